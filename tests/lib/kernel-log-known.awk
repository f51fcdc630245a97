# SPDX-License-Identifier: GPL-2.0
#
# Blank out the kernel warnings that are known, understood and not zcit's,
# so that the kernel-problem scans of tests/lib/vm.sh (console log) and
# kernel_log_clean (dmesg) still catch every other one. Line numbers are
# kept (a dropped line becomes empty, and only printk lines, with a
# timestamp, are dropped); each dropped warning is reported on stderr. Input: a kernel log, with or without carriage returns.
#
# A warning is the block from "[ cut here ]" to "---[ end trace", with
# whatever console output the test interleaved. Known:
#
# - iscsi-unbind-pm-flush: the *initiator's* logout on Debian's 6.1
#   (open-iscsi, which runs in the same guest): __iscsi_unbind_session runs
#   on the session's WQ_MEM_RECLAIM workqueue (iscsi_ctrl_H:S) and removes
#   the SCSI target; device_del -> device_pm_remove -> pm_runtime_remove
#   flushes the device's runtime-PM work on pm_wq, which has no
#   WQ_MEM_RECLAIM, so check_flush_dependency warns when that work is
#   pending at that moment (it is queued by the asynchronous runtime-PM put
#   of the LUN removed just before). Seen once in ~1500 checks (78-soak,
#   CI of stop 23). drivers/scsi/scsi_transport_iscsi.c and
#   drivers/base/power/runtime.c, nothing on the target side.

function known(    i, flush, unbind)
{
	flush = unbind = 0
	for (i = 1; i <= n; i++) {
		if (buf[i] ~ /is flushing !WQ_MEM_RECLAIM pm:pm_runtime_work/)
			flush = 1
		if (buf[i] ~ /__iscsi_unbind_session/)
			unbind = 1
	}
	return flush && unbind ? "iscsi-unbind-pm-flush" : ""
}

function flush_block(    i, why)
{
	why = closed ? known() : ""
	for (i = 1; i <= n; i++)
		print why == "" || buf[i] !~ /\[ *[0-9]+\.[0-9]+\]/ ? buf[i] : ""
	if (why != "")
		printf "kernel-log-known: ignored %s warning at line %d (initiator side, see tests/lib/kernel-log-known.awk)\n", why, first > "/dev/stderr"
	n = 0
	closed = 0
}

{ sub(/\r$/, "") }

/\[ cut here \]/ {
	if (n)
		flush_block()
	first = NR
	buf[n = 1] = $0
	next
}

n {
	buf[++n] = $0
	if (/---\[ end trace/) {
		closed = 1
		flush_block()
	} else if (n >= 400) {
		flush_block()
	}
	next
}

{ print }

END {
	if (n)
		flush_block()
}
