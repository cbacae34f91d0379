"""Every command the README gives (`.venv/bin/flask …` lines of its ```sh / ```bash blocks) runs,
in the README's order, on a fresh instance after `db upgrade` — what a new user does after
`make run`. The README is parsed, so commands added to it are tested without touching this file."""
from __future__ import annotations

import re
import shlex
import subprocess

from served import ROOT, flask, fresh_env, localise

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


def test_readme_has_one_form_of_flask_command():
    text = README.read_text()
    bare = [line for line in text.splitlines() if re.search(r"(?<![/\w])flask --app", line)]
    assert not bare, bare
    assert len(readme_commands()) >= 10


def test_every_readme_command_runs_on_a_fresh_instance(tmp_path):
    env = fresh_env(tmp_path / "instance")
    flask(env, "db", "upgrade")
    failed, ran = [], []
    for command in readme_commands():
        if NEEDS_ANOTHER_SERVER.search(command):
            continue
        sub = subcommand(command)
        stdin = next((text for prefix, text in STDIN.items() if sub.startswith(prefix)), "")
        done = subprocess.run(["bash", "-c", localise(command, tmp_path)], cwd=ROOT, env=env, input=stdin,
                              capture_output=True, text=True, timeout=600)
        ran.append(sub)
        if done.returncode != 0:
            failed.append(f"{command}\n  exit {done.returncode}\n  {done.stdout[-800:]}\n  {done.stderr[-1500:]}")
    assert not failed, "README commands that fail on a fresh instance:\n" + "\n".join(failed)
    assert any(sub.startswith("users create") for sub in ran) and any(sub.startswith("backup restore") for sub in ran)
