#!/usr/bin/env python3
"""Runs a command in a pseudo-terminal and answers its prompts, for the wizard test of the jmo CLI.

Usage: pty_drive.py ANSWERS_JSON COMMAND...
ANSWERS_JSON is a list of [prompt substring, answer] pairs, answered in order: each answer is
typed (with a newline) once its prompt has appeared after the previous one. Everything the
command prints is copied to stdout; the exit code is the command's.
"""
import json
import os
import pty
import select
import sys
import time

answers = json.loads(sys.argv[1])
command = sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)

seen = b""
matched_upto = 0
index = 0
deadline = time.time() + 150
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.5)
    if fd not in ready:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        continue
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    seen += data
    while index < len(answers):
        prompt = answers[index][0].encode()
        at = seen.find(prompt, matched_upto)
        if at < 0:
            break
        matched_upto = at + len(prompt)
        os.write(fd, (answers[index][1] + "\n").encode())
        index += 1

_, status = os.waitpid(pid, 0)
if index < len(answers):
    sys.stderr.write("pty_drive: prompt never appeared: %r\n" % answers[index][0])
    sys.exit(99)
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 98)
