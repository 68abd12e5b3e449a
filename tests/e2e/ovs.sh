# ovs.sh - Open vSwitch's userspace datapath as the DUT of the lab (sourced
# after lab.sh). DESIGN.md §8: no kernel module; ovsdb-server and
# ovs-vswitchd run inside the DUT namespace with every socket, pidfile, log
# and the database under RUN/ovs, and are stopped by their pidfiles.
#
# Stable API:
#   ovs_available              0 if the OVS binaries are installed
#   ovs_up                     daemons + br-phy (datapath netdev, hwaddr = the
#                              DUT veth's MAC, holding the veth, the DUT PA on
#                              br-phy) in the DUT namespace
#   ovs_tenant NAME VSID KEY VM_MAC VM_CA TESTER_CA TESTER_MAC
#                              bridge br-NAME (netdev) with a type=gre port
#                              (remote_ip = tester PA, key = KEY, 32 bits) and
#                              an internal port vm-NAME as the tenant VM (its
#                              MAC and CA, /32, route and static neighbour for
#                              the tester CA). One bridge per tenant keeps
#                              tenants apart, as separate VSIDs must be.
#   ovs_up_rfc7637 / ovs_up_draft00
#                              ovs_up + the lab's tenants (lab.sh) keyed
#                              VSID<<8 (rfc7637) or VSID (draft00)
#   ovs_quiet_kernel           hold a raw GRE socket in the DUT namespace: its
#                              kernel also sees every GRE frame (the PA is a
#                              local address) and would answer ICMP 3/2 beside
#                              OVS; without this the lab shows that noise
#   ovs_vsctl / ovs_ofctl / ovs_appctl ARGS...
#                              the tools, pointed at this lab's daemons
#   ovs_down                   stop both daemons by pidfile (lab_cleanup calls it)
#
# Variables: OVS_RUN (RUN/ovs), OVS_SCHEMA.
#
# What Open vSwitch 3.1 (Debian 12) really does with our frames, measured by
# check-ovs.sh with an independent scapy prober (keyed VSID<<8 unless said):
#   key == options:key, FlowID 0     decapsulated, the VM answers; the reply
#                                    carries the same 32-bit key
#   FlowID != 0 (0x5a, 0xff)         silent: the whole key is tun_id, no port
#                                    matches ("receive tunnel port not found")
#   other VSID, draft00 key, K=0     silent
#   C=1 good checksum                accepted; bad checksum: silent
#   S=1                              accepted
#   version != 0, R, s, recursion,   silent: any flag but C/K/S drops
#   reserved bits 8-12 (0x0010)      (RFC 2784 says bits 6-12 MUST be ignored)
#   outer IPv4 options, fragments    silent
#   inner 802.1Q                     silent (delivered tagged; the VM drops it)
#   outer source not remote_ip       silent
#   inner ARP for the VM CA          answered (by the VM's kernel)
#   keyed draft00 (key = VSID)       draft00 keys accepted, rfc7637 keys silent
# OVS itself never sends ICMP. Without ovs_quiet_kernel the DUT namespace's
# kernel answers every GRE frame, matched or not, with ICMP 3/2 from the PA.

: "${OVS_SCHEMA:=/usr/share/openvswitch/vswitch.ovsschema}"
OVS_RUN=""

ovs_available() {
	command -v ovsdb-tool >/dev/null 2>&1 &&
		command -v ovsdb-server >/dev/null 2>&1 &&
		command -v ovs-vswitchd >/dev/null 2>&1 &&
		command -v ovs-vsctl >/dev/null 2>&1 &&
		[ -r "$OVS_SCHEMA" ]
}

ovs_vsctl() {
	ovs-vsctl --db="unix:$OVS_RUN/db.sock" --timeout=10 "$@"
}

ovs_ofctl() {
	lab_d env OVS_RUNDIR="$OVS_RUN" ovs-ofctl "$@"
}

ovs_appctl() {
	ovs-appctl -t "$OVS_RUN/vswitchd.ctl" "$@"
}

ovs_up() {
	OVS_RUN="$LAB_RUN/ovs"
	mkdir -p "$OVS_RUN"
	ovsdb-tool create "$OVS_RUN/conf.db" "$OVS_SCHEMA"
	lab_d env OVS_RUNDIR="$OVS_RUN" OVS_LOGDIR="$OVS_RUN" OVS_DBDIR="$OVS_RUN" \
		ovsdb-server "$OVS_RUN/conf.db" --remote="punix:$OVS_RUN/db.sock" \
		--unixctl="$OVS_RUN/ovsdb.ctl" --pidfile="$OVS_RUN/ovsdb-server.pid" \
		--log-file="$OVS_RUN/ovsdb-server.log" -vconsole:off --detach
	ovs-vsctl --db="unix:$OVS_RUN/db.sock" --no-wait init
	lab_d env OVS_RUNDIR="$OVS_RUN" OVS_LOGDIR="$OVS_RUN" OVS_DBDIR="$OVS_RUN" \
		ovs-vswitchd "unix:$OVS_RUN/db.sock" --unixctl="$OVS_RUN/vswitchd.ctl" \
		--pidfile="$OVS_RUN/ovs-vswitchd.pid" \
		--log-file="$OVS_RUN/ovs-vswitchd.log" -vconsole:off --detach
	_mac=$(lab_mac "$LAB_NS_D" "$LAB_DUT_IF")
	ovs_vsctl add-br br-phy -- set bridge br-phy datapath_type=netdev \
		"other_config:hwaddr=\"$_mac\"" -- add-port br-phy "$LAB_DUT_IF"
	ip -n "$LAB_NS_D" addr add "$LAB_DUT_PA/$LAB_PLEN" dev br-phy
	ip -n "$LAB_NS_D" link set br-phy up
	# the VM ports answer from addresses that are also local to the namespace:
	# no reverse-path filtering in the way
	lab_d sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
}

ovs_tenant() {
	_n=$1 _vsid=$2 _key=$3 _vmmac=$4 _vmca=$5 _tca=$6 _tmac=$7
	ovs_vsctl add-br "br-$_n" -- set bridge "br-$_n" datapath_type=netdev \
		-- add-port "br-$_n" "gre-$_n" -- set interface "gre-$_n" type=gre \
		"options:remote_ip=$LAB_TESTER_PA" "options:key=$_key" \
		-- add-port "br-$_n" "vm-$_n" -- set interface "vm-$_n" type=internal
	lab_d sysctl -qw "net.ipv6.conf.vm-$_n.disable_ipv6=1" 2>/dev/null || true
	ip -n "$LAB_NS_D" link set "vm-$_n" address "$_vmmac"
	ip -n "$LAB_NS_D" addr add "$_vmca/32" dev "vm-$_n"
	ip -n "$LAB_NS_D" link set "vm-$_n" up
	ip -n "$LAB_NS_D" route replace "$_tca/32" dev "vm-$_n" src "$_vmca"
	ip -n "$LAB_NS_D" neigh replace "$_tca" lladdr "$_tmac" dev "vm-$_n" nud permanent
	ip -n "$LAB_NS_D" link set "br-$_n" up
	echo "ovs: tenant $_n VSID $_vsid on gre-$_n key $_key -> vm-$_n $_vmca ($_vmmac)"
}

_ovs_tenants() {
	# $1: how VSIDs become keys (shift 8 for rfc7637, 0 for draft00)
	ovs_tenant blue 5001 "$((5001 << $1))" 02:00:00:00:13:89 198.51.100.2 \
		198.51.100.1 02:00:00:00:00:01
	ovs_tenant green 6001 "$((6001 << $1))" 02:00:00:00:17:71 203.0.113.2 \
		203.0.113.1 02:00:00:00:00:02
}

ovs_up_rfc7637() {
	ovs_up
	_ovs_tenants 8
}

ovs_up_draft00() {
	ovs_up
	_ovs_tenants 0
}

ovs_quiet_kernel() {
	lab_gre_quiet "$LAB_NS_D"
}

_ovs_stop() {
	[ -f "$OVS_RUN/$1.pid" ] || return 0
	_pid=$(cat "$OVS_RUN/$1.pid")
	kill -TERM "$_pid" 2>/dev/null || return 0
	_i=0
	while kill -0 "$_pid" 2>/dev/null && [ $_i -lt 30 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -KILL "$_pid" 2>/dev/null || true
	rm -f "$OVS_RUN/$1.pid"
}

ovs_down() {
	[ -n "$OVS_RUN" ] || return 0
	_ovs_stop ovs-vswitchd
	_ovs_stop ovsdb-server
}
