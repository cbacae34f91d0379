"""The office's units (bidang/UPT) as data, their liaison officers (pejabat penghubung), and the
disposition of complaints to a unit; every change audited in its own write transaction."""
