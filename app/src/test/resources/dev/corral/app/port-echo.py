# Serves the current directory as python's http.server does, except /echo, which answers (as JSON) the request it
# got: method, path and headers, and the length of its body. PortProxyIT runs it in a sandbox behind the proxy.
import http.server
import json
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    def echo(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        answer = json.dumps({"method": self.command, "path": self.path, "bodyLength": len(body),
                             "headers": {name.lower(): value for name, value in self.headers.items()}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def do_GET(self):
        if self.path.startswith("/echo"):
            self.echo()
        else:
            super().do_GET()

    def do_POST(self):
        self.echo()


http.server.ThreadingHTTPServer(("0.0.0.0", int(sys.argv[1])), Handler).serve_forever()
