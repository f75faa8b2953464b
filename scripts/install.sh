#!/usr/bin/env bash
# Installs hapair: the built package under PREFIX, a `hapair` launcher in BINDIR, example configs for lb1/lb2
# in ETCDIR, systemd units, and a `hapair` service user (when installing into the real root as root).
#
# usage: scripts/install.sh [--prefix /opt/hapair] [--bindir /usr/local/bin] [--etc /etc/hapair]
#                           [--unitdir /etc/systemd/system] [--node lb1|lb2] [--destdir DIR] [--no-user]
# --destdir stages everything under DIR (packaging); paths written into files stay the final ones.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
prefix=/opt/hapair bindir=/usr/local/bin etcdir=/etc/hapair unitdir=/etc/systemd/system
node=lb1 destdir="" make_user=1
# An option without its value is a usage error (exit 2), not bash's "unbound variable".
need() { [ "$#" -ge 2 ] && [ -n "$2" ] || { echo "install.sh: $1 needs a value (see --help)" >&2; exit 2; }; }
while (($#)); do
  case "$1" in
    --prefix) need "$@"; prefix=$2; shift 2 ;;
    --bindir) need "$@"; bindir=$2; shift 2 ;;
    --etc) need "$@"; etcdir=$2; shift 2 ;;
    --unitdir) need "$@"; unitdir=$2; shift 2 ;;
    --node) need "$@"; node=$2; shift 2 ;;
    --destdir) need "$@"; destdir=$2; shift 2 ;;
    --no-user) make_user=0; shift ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$node" in lb1|lb2) ;; *) echo "install.sh: --node must be lb1 or lb2" >&2; exit 2 ;; esac
node_bin=$(command -v node) || { echo "install.sh: Node.js >= 20.18 is required" >&2; exit 1; }
"$node_bin" -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=18)?0:1)' \
  || { echo "install.sh: Node.js >= 20.18 is required (found $(node -v))" >&2; exit 1; }
[ -f "$here/dist/src/cli/main.js" ] || { echo "install.sh: build first (npm ci)" >&2; exit 1; }
# The units run with ProtectHome=yes (and the proxy as user hapair): a node under /root or /home is invisible there.
case "$node_bin" in
  /root/*|/home/*|/run/user/*) echo "install.sh: warning: $node_bin is under a home directory, which the systemd units cannot see (ProtectHome=yes); install Node.js system-wide (e.g. /usr/bin/node)" >&2 ;;
esac

D=$destdir
echo "installing hapair into ${D}${prefix}"
install -d "${D}${prefix}" "${D}${bindir}" "${D}${etcdir}" "${D}${unitdir}"
# Package payload: compiled code, launcher, docs, scripts, production dependencies.
rm -rf "${D}${prefix}/dist" "${D}${prefix}/node_modules"
cp -R "$here/bin" "$here/dist" "$here/package.json" "$here/package-lock.json" "${D}${prefix}/"
[ -d "$here/docs" ] && cp -R "$here/docs" "${D}${prefix}/"
cp -R "$here/scripts" "${D}${prefix}/"
rm -rf "${D}${prefix}/dist/test"
(cd "${D}${prefix}" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null 2>&1) \
  || cp -R "$here/node_modules" "${D}${prefix}/"
# raw-socket is a native addon: copy the build we already have if npm skipped its install script.
if [ ! -e "${D}${prefix}/node_modules/raw-socket/build/Release/raw.node" ] && [ -d "$here/node_modules/raw-socket/build" ]; then
  cp -R "$here/node_modules/raw-socket/build" "${D}${prefix}/node_modules/raw-socket/"
fi
# hapair's own addon (in-process GARP, src/vrrp/native): the source and its build, found by dist/src/vrrp at run time.
if [ -e "$here/src/vrrp/native/build/Release/hapair_packet.node" ]; then
  install -d "${D}${prefix}/src/vrrp/native/build/Release"
  cp "$here/src/vrrp/native/packet.c" "$here/src/vrrp/native/binding.gyp" "${D}${prefix}/src/vrrp/native/"
  cp "$here/src/vrrp/native/build/Release/hapair_packet.node" "${D}${prefix}/src/vrrp/native/build/Release/"
fi

# The node found now, by absolute path: systemd's PATH (and sudo's secure_path) may not contain it.
cat > "${D}${bindir}/hapair" <<LAUNCH
#!/bin/sh
# hapair launcher installed by scripts/install.sh
exec "${node_bin}" "${prefix}/bin/hapair.js" "\$@"
LAUNCH
chmod 755 "${D}${bindir}/hapair"

# Example configs: never overwrite an operator's files.
for f in keepalived.conf haproxy.cfg; do
  src="$here/scripts/examples/$node/$f"
  if [ -e "${D}${etcdir}/$f" ]; then cp "$src" "${D}${etcdir}/$f.example"; else cp "$src" "${D}${etcdir}/$f"; fi
done
install -d "${D}${etcdir}/examples"
cp -R "$here/scripts/examples/lb1" "$here/scripts/examples/lb2" "${D}${etcdir}/examples/"

for u in hapair-vrrp.service hapair-proxy.service; do
  sed -e "s#/usr/local/bin/hapair#${bindir}/hapair#g" -e "s#/etc/hapair/#${etcdir}/#g" -e "s#/opt/hapair/#${prefix}/#g" \
    "$here/scripts/systemd/$u" > "${D}${unitdir}/$u"
done

if ((make_user)) && [ -z "$D" ] && [ "$(id -u)" = 0 ]; then
  if ! id hapair >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin hapair \
      && echo "created system user hapair"
  fi
  install -d -o hapair -g hapair -m 0750 /var/spool/hapair 2>/dev/null || true
  command -v systemctl >/dev/null && [ -d /run/systemd/system ] && systemctl daemon-reload || true
fi

echo "done. Next: edit ${etcdir}/keepalived.conf (interface, VIP) and ${etcdir}/haproxy.cfg, then"
echo "  ${bindir}/hapair check -f ${etcdir}/keepalived.conf -f ${etcdir}/haproxy.cfg"
echo "  systemctl enable --now hapair-proxy hapair-vrrp"
