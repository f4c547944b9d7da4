"""A minimal SMTP server for scripts/smoke_prod.sh: accepts every message and appends it to a file.

python3 scripts/smtp_sink.py PORT FILE — standard library only (smtpd left Python in 3.12)."""

import contextlib
import socketserver
import sys


class Session(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        with contextlib.suppress(OSError):  # a client that only checked that the port is open
            self.converse()

    def converse(self) -> None:
        self.reply("220 smoke ESMTP")
        while line := self.rfile.readline():
            verb = line.decode("utf-8", "replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-smoke")
                self.reply("250 8BITMIME")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                message = []
                while (data := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    message.append(data.decode("utf-8", "replace"))
                with open(sys.argv[2], "a", encoding="utf-8") as out:
                    out.write("".join(message) + "\n=====\n")
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")


if __name__ == "__main__":
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    with socketserver.ThreadingTCPServer(("127.0.0.1", int(sys.argv[1])), Session) as server:
        server.serve_forever()
