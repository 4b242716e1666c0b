# The example QDNS client of seed 000, as the seed gives it (its indentation restored). The test
# changes only the server's host and port in the connect call, then calls update_dns.
import socket
def update_dns(hostname, ip):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.connect(("qdns-server.example.com", 7393))
        s.sendall(f"AUTH username password\n".encode())
        response = s.recv(1024).decode()
        if "200" in response:
            s.sendall(f"UPDATE {hostname} {ip}\n".encode())
            response = s.recv(1024).decode()
            return "200" in response
        return False
