"""Test certificates made with the openssl CLI: a private CA and a server certificate it signed."""

import os
import ssl
import subprocess
from dataclasses import dataclass


@dataclass
class TlsFiles:
    ca_pem: str        # the CA certificate (what a client must trust)
    server_pem: str    # the server certificate, for localhost and 127.0.0.1
    server_key: str

    def ca_text(self):
        with open(self.ca_pem, encoding="ascii") as f:
            return f.read()

    def server_context(self):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.server_pem, self.server_key)
        return context


def _openssl(*args):
    subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)


def make_tls_files(directory):
    """Writes ca.pem, server.pem and server.key into `directory`."""
    ca_key = os.path.join(directory, "ca.key")
    files = TlsFiles(os.path.join(directory, "ca.pem"), os.path.join(directory, "server.pem"),
                     os.path.join(directory, "server.key"))
    csr = os.path.join(directory, "server.csr")
    extensions = os.path.join(directory, "server.ext")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl("req", "-x509", *ec, "-days", "30", "-subj", "/CN=Portico Test CA",
             "-keyout", ca_key, "-out", files.ca_pem,
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    _openssl("req", "-new", *ec, "-subj", "/CN=localhost", "-keyout", files.server_key,
             "-out", csr)
    with open(extensions, "w", encoding="ascii") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n")
    _openssl("x509", "-req", "-in", csr, "-CA", files.ca_pem, "-CAkey", ca_key,
             "-set_serial", "0x" + os.urandom(8).hex(), "-days", "30", "-extfile", extensions,
             "-out", files.server_pem)
    return files


@dataclass
class IssuedCertificate:
    cert_pem: str   # path of the certificate
    key_pem: str    # path of its private key
    serial: int

    def cert_text(self):
        with open(self.cert_pem, encoding="ascii") as f:
            return f.read()

    def key_text(self):
        with open(self.key_pem, encoding="ascii") as f:
            return f.read()


def issue_certificate(files, directory, stem, names, key_type="ec"):
    """A server certificate for DNS `names`, signed by the CA of `files` (make_tls_files in the
    same `directory`), with an RSA 2048 ("rsa") or ECDSA P-256 ("ec") key."""
    key = os.path.join(directory, stem + ".key")
    cert = os.path.join(directory, stem + ".pem")
    csr = os.path.join(directory, stem + ".csr")
    extensions = os.path.join(directory, stem + ".ext")
    key_args = (["-newkey", "rsa:2048"] if key_type == "rsa"
                else ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"])
    _openssl("req", "-new", *key_args, "-nodes", "-subj", "/CN=" + names[0], "-keyout", key,
             "-out", csr)
    with open(extensions, "w", encoding="ascii") as f:
        f.write("subjectAltName=" + ",".join("DNS:" + name for name in names)
                + "\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    serial = int.from_bytes(os.urandom(8), "big") | 1
    _openssl("x509", "-req", "-in", csr, "-CA", files.ca_pem,
             "-CAkey", os.path.join(directory, "ca.key"), "-set_serial", str(serial),
             "-days", "30", "-extfile", extensions, "-out", cert)
    return IssuedCertificate(cert, key, serial)
