# A WebSocket echo in python's standard library, for PortProxyIT: the handshake of RFC 6455, then each text
# message comes back prefixed with "echo:" and the Host the handshake named; a close is answered with a close.
import base64
import hashlib
import socketserver
import struct
import sys

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def read_exactly(stream, n):
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def send(stream, opcode, payload):
    header = bytes([0x80 | opcode])
    if len(payload) < 126:
        header += bytes([len(payload)])
    elif len(payload) < 65536:
        header += bytes([126]) + struct.pack(">H", len(payload))
    else:
        header += bytes([127]) + struct.pack(">Q", len(payload))
    stream.write(header + payload)
    stream.flush()


class Echo(socketserver.StreamRequestHandler):
    def handle(self):
        headers = {}
        self.rfile.readline()
        while True:
            line = self.rfile.readline().decode().strip()
            if not line:
                break
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        accept = base64.b64encode(hashlib.sha1(headers["sec-websocket-key"].encode() + GUID).digest()).decode()
        self.wfile.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").encode())
        self.wfile.flush()
        try:
            while True:
                first, second = read_exactly(self.rfile, 2)
                opcode, length = first & 0x0F, second & 0x7F
                if length == 126:
                    length = struct.unpack(">H", read_exactly(self.rfile, 2))[0]
                elif length == 127:
                    length = struct.unpack(">Q", read_exactly(self.rfile, 8))[0]
                mask = read_exactly(self.rfile, 4) if second & 0x80 else b"\0\0\0\0"
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(read_exactly(self.rfile, length)))
                if opcode == 0x8:
                    send(self.wfile, 0x8, payload[:2])
                    return
                if opcode == 0x1:
                    send(self.wfile, 0x1, b"echo:" + payload)
                elif opcode == 0x2:
                    send(self.wfile, 0x2, payload)
                elif opcode == 0x9:
                    send(self.wfile, 0xA, payload)
        except EOFError:
            return


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


Server(("0.0.0.0", int(sys.argv[1])), Echo).serve_forever()
