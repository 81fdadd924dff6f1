#!/usr/bin/env bash
# Makes the mutual-TLS files of a Portico cluster with openssl: a private CA, the control plane's
# certificate (for the names data planes dial) and the data planes' client certificate, each in a
# folder ready for `kubectl create secret generic NAME --from-file=FOLDER/`:
#
#   OUT/control-plane/{tls.crt,tls.key,ca.crt}   -> Secret portico-cluster-control-plane
#   OUT/data-plane/{tls.crt,tls.key,ca.crt}      -> Secret portico-cluster-data-plane
#   OUT/ca.key                                   the CA's key: keep it offline, never in a Secret
#
#   make-cluster-certs.sh OUT [NAMESPACE [EXTRA_DNS_NAME...]]
#
# The control plane's certificate names the Service portico-control-plane in NAMESPACE (default
# "default") in its short, namespaced and cluster-local forms: data planes check the name they
# dial (cluster_control_plane) against it.
set -euo pipefail

if (($# < 1)); then
  sed -n '2,14s/^# \{0,1\}//p' "$0" >&2
  exit 2
fi
out=$1
namespace=${2:-default}
extra_names=("${@:3}")
service=portico-control-plane
days=825

umask 077
mkdir -p "$out/control-plane" "$out/data-plane"

ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -days 3650 -subj "/CN=Portico Cluster CA" \
  -keyout "$out/ca.key" -out "$out/ca.crt" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

# sign NAME SUBJECT EXTENSIONS: a key and a certificate signed by the CA into OUT/NAME/.
sign() {
  local folder="$out/$1" extensions="$out/$1.ext"
  printf '%s\n' "${@:3}" >"$extensions"
  openssl req -new "${ec[@]}" -subj "$2" -keyout "$folder/tls.key" -out "$folder/tls.csr" \
    2>/dev/null
  openssl x509 -req -in "$folder/tls.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" \
    -set_serial "0x$(openssl rand -hex 8)" -days "$days" -extfile "$extensions" \
    -out "$folder/tls.crt" 2>/dev/null
  cp "$out/ca.crt" "$folder/ca.crt"
  rm -f "$folder/tls.csr" "$extensions"
}

names="DNS:$service,DNS:$service.$namespace,DNS:$service.$namespace.svc"
names+=",DNS:$service.$namespace.svc.cluster.local"
for name in "${extra_names[@]}"; do
  names+=",DNS:$name"
done
sign control-plane "/CN=$service" "subjectAltName=$names" "basicConstraints=CA:FALSE" \
  "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth"
sign data-plane "/CN=portico-data-plane" "basicConstraints=CA:FALSE" \
  "keyUsage=critical,digitalSignature" "extendedKeyUsage=clientAuth"

echo "wrote $out/control-plane/ and $out/data-plane/ (CA key: $out/ca.key)"
