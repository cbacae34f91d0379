"""Every command the README gives (`.venv/bin/flask …` lines of its ```sh / ```bash blocks) runs,
in the README's order, on a fresh instance after `db upgrade` — what a new user does after
`make run`. The README is parsed, so commands added to it are tested without touching this file.

Each command runs as a real process (bash, the `flask` executable), except a command that is also a
line of the shipped cron file: test_deploy_files.py runs that one as a real process on a fresh
instance, so here it runs as a new app in this process (support.flask_in_process), which spares a
Python start-up (two seconds of CPU) and checks the same thing on this instance's data."""
from __future__ import annotations

import re
import shlex
import subprocess

from served import ROOT, cron_commands, flask, fresh_env, localise
from support import flask_in_process

README = ROOT / "README.md"
FLASK = ".venv/bin/flask --app wsgi "

# What a command reads on standard input, by its subcommand (the words after `--app wsgi`).
PASSWORD = "Sandi-Contoh-Panjang-2026!"
STDIN = {
    "users create": f"{PASSWORD}\n{PASSWORD}\n",  # the prompt, then its confirmation
}

# Commands that need a server other than this machine's portal (left out, and listed here so a
# reader sees why): the PostgreSQL restore target.
NEEDS_ANOTHER_SERVER = re.compile(r"postgresql://")

def readme_commands() -> list[str]:
    commands = []
    for block in re.findall(r"^```(?:sh|bash)\n(.*?)^```", README.read_text(), flags=re.M | re.S):
        for line in re.sub(r"\\\n\s*", " ", block).splitlines():
            words = shlex.split(line, comments=True)
            if not words:
                continue
            command = shlex.join(words)
            command = re.sub(r"'([^' ]*\*[^' ]*)'", r"\1", command)  # keep globs as globs
            if command.startswith(FLASK):
                commands.append(command)
    return commands


def subcommand(command: str) -> str:
    return command[len(FLASK):]


def run_by_cron_test() -> set[str]:
    """The subcommands (ARGS of `flask --app wsgi ARGS`) test_deploy_files.py runs as real processes."""
    return {shlex.join(shlex.split(line)[1:]) for line in cron_commands()}


def test_readme_has_one_form_of_flask_command():
    text = README.read_text()
    bare = [line for line in text.splitlines() if re.search(r"(?<![/\w])flask --app", line)]
    assert not bare, bare
    assert len(readme_commands()) >= 10


def test_every_readme_command_runs_on_a_fresh_instance(tmp_path, monkeypatch):
    env = fresh_env(tmp_path / "instance")
    flask(env, "db", "upgrade")
    by_cron = run_by_cron_test()
    failed, ran = [], []
    for command in readme_commands():
        if NEEDS_ANOTHER_SERVER.search(command):
            continue
        sub = subcommand(command)
        stdin = next((text for prefix, text in STDIN.items() if sub.startswith(prefix)), "")
        if sub in by_cron and not stdin:
            args = shlex.split(localise(sub, tmp_path))
            result = flask_in_process(monkeypatch, env, *args)
            done = subprocess.CompletedProcess(args, result.exit_code, result.stdout,
                                               result.stderr + repr(result.exception or ""))
        else:
            done = subprocess.run(["bash", "-c", localise(command, tmp_path)], cwd=ROOT, env=env, input=stdin,
                                  capture_output=True, text=True, timeout=600)
        ran.append(sub)
        if done.returncode != 0:
            failed.append(f"{command}\n  exit {done.returncode}\n  {done.stdout[-800:]}\n  {done.stderr[-1500:]}")
    assert not failed, "README commands that fail on a fresh instance:\n" + "\n".join(failed)
    assert any(sub.startswith("users create") for sub in ran) and any(sub.startswith("backup restore") for sub in ran)
    # The cron test covers only commands without a glob or a prompt; most still run as processes here.
    assert len([sub for sub in ran if sub not in by_cron]) >= 10
