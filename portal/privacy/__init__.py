"""Personal data under UU PDP 27/2022: the subject's access (export), correction and deletion
requests with their legal deadline, for every channel described in `channels.CHANNELS`."""
