# run-expect.sh - assert a report's endpoint block field by field (sourced).
#
# expect_endpoint REPORT LABEL accepts emits flowid_tolerant rejects unknown_vsid
# Each expected value is compact JSON as jq -cS prints it, e.g.
#   expect_endpoint r.json ws2012-rtm '["draft00"]' '"draft00"' false \
#       '{"rfc7637":"icmp-3-10"}' '"icmp-3-10"'
# Prints every mismatch as "field: expected X, got Y"; returns 1 if any.

expect_endpoint() {
	_rep=$1 _label=$2
	shift 2
	_bad=0
	for _f in accepts emits flowid_tolerant rejects unknown_vsid; do
		_want=$1
		shift
		_got=$(jq -cS ".endpoint.$_f" "$_rep")
		if [ "$_got" != "$_want" ]; then
			echo "FAIL: $_label: endpoint.$_f: expected $_want, got $_got" >&2
			_bad=1
		fi
	done
	[ $_bad -eq 0 ] && echo "ok: $_label: endpoint $(jq -cS '.endpoint | del(.name)' "$_rep")"
	return $_bad
}
