// SPDX-License-Identifier: GPL-2.0
/*
 * zcit: module parameters for the bounds on what a remote host can make
 * zcit hold.  They are read at load time (mode 0444): each bound is a
 * sizing decision, not a tunable to change under traffic.
 *
 * Hitting a bound is counted (zcit_hit_count(), for the statistics) and
 * logged with the peer's address and the reason, at most one line per
 * class every ZCIT_HIT_INTERVAL: a remote host must not be able to fill
 * the kernel log.  Details go to pr_debug.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/atomic.h>
#include <linux/ratelimit.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <zcit/limits.h>

#define ZCIT_MAX_XFER_KIB_DEFAULT	8192
#define ZCIT_MAX_XFER_KIB_MIN		64
#define ZCIT_MAX_XFER_KIB_MAX		(1024 * 1024)
/* Upper end of the counts: each check walks a list of at most this. */
#define ZCIT_COUNT_MAX			4096

/* One line per class of event in this time, with the peer's address. */
#define ZCIT_HIT_INTERVAL		(5 * HZ)

static unsigned int max_xfer_kib = ZCIT_MAX_XFER_KIB_DEFAULT;
module_param(max_xfer_kib, uint, 0444);
MODULE_PARM_DESC(max_xfer_kib,
		 "Largest data buffer of one SCSI command, KiB (default 8192; also the MAXIMUM TRANSFER LENGTH LIO reports)");

static unsigned int max_session_kib = 128 * 1024;
module_param(max_session_kib, uint, 0444);
MODULE_PARM_DESC(max_session_kib,
		 "Data buffers of all the SCSI commands of one session at once, KiB (default 131072, at least max_xfer_kib); a command over it gets TASK SET FULL");

static unsigned int tx_stall_secs = 30;
module_param(tx_stall_secs, uint, 0444);
MODULE_PARM_DESC(tx_stall_secs,
		 "Seconds a connection may have answers waiting that the initiator does not read before it is closed (default 30, 5 to 3600)");

static unsigned int max_logins = 64;
module_param(max_logins, uint, 0444);
MODULE_PARM_DESC(max_logins,
		 "Connections in the login phase at once, over all portals (default 64)");

static unsigned int max_logins_per_host = 32;
module_param(max_logins_per_host, uint, 0444);
MODULE_PARM_DESC(max_logins_per_host,
		 "Connections in the login phase at once from one IPv4 address or IPv6 /64 (default 32; at least the sessions one initiator host reconnects at once)");

static unsigned int first_pdu_timeout = 5;
module_param(first_pdu_timeout, uint, 0444);
MODULE_PARM_DESC(first_pdu_timeout,
		 "Seconds from the accept to a whole first Login request, 1 to 15 (default 5)");

static unsigned int max_discovery = 32;
module_param(max_discovery, uint, 0444);
MODULE_PARM_DESC(max_discovery,
		 "Discovery sessions at once, over all portals (default 32)");

static unsigned int max_discovery_per_host = 4;
module_param(max_discovery_per_host, uint, 0444);
MODULE_PARM_DESC(max_discovery_per_host,
		 "Discovery sessions at once from one IPv4 address or IPv6 /64 (default 4)");

static unsigned int discovery_idle_timeout = 30;
module_param(discovery_idle_timeout, uint, 0444);
MODULE_PARM_DESC(discovery_idle_timeout,
		 "Seconds a discovery session may stay without a PDU from the initiator (default 30)");

struct zcit_limits zcit_limits;

/*
 * Lines of ZCIT_HIT_LOGIN_FAILED per ZCIT_HIT_INTERVAL: one per failed
 * login to a configured target, an administrator's first clue, unless
 * a host fails more than this often.
 */
#define ZCIT_HIT_LOGIN_FAILED_BURST	10

/**
 * struct zcit_hit_class - one class of &enum zcit_hit
 * @name: its file in /sys/module/zcit/statistics/ (stat.c)
 * @text: the reason, for the log
 * @warn: pr_warn (a bound was hit) rather than pr_info
 * @burst: lines per ZCIT_HIT_INTERVAL (0: 1)
 */
struct zcit_hit_class {
	const char *name;
	const char *text;
	bool warn;
	int burst;
};

static const struct zcit_hit_class zcit_hit_classes[ZCIT_NR_HITS] = {
	[ZCIT_HIT_LOGINS_FULL] = { "max_logins_hits",
		"connection closed at accept: max_logins", true },
	[ZCIT_HIT_LOGINS_HOST] = { "max_logins_per_host_hits",
		"connection closed at accept: max_logins_per_host", true },
	[ZCIT_HIT_LOGIN_EVICTED] = { "login_evictions",
		"login closed before its first request: max_logins", true },
	[ZCIT_HIT_FIRST_PDU] = { "first_pdu_timeouts",
		"login closed: no request within first_pdu_timeout", false },
	[ZCIT_HIT_LOGIN_TIMEOUT] = { "login_timeouts", "login timed out",
		false },
	[ZCIT_HIT_LOGIN_REFUSED] = { "logins_refused_no_target",
		"login refused", false },
	[ZCIT_HIT_LOGIN_FAILED] = { "logins_failed", "login failed", false,
		ZCIT_HIT_LOGIN_FAILED_BURST },
	[ZCIT_HIT_DISC_FULL] = { "max_discovery_hits",
		"discovery login refused: max_discovery", true },
	[ZCIT_HIT_DISC_HOST] = { "max_discovery_per_host_hits",
		"discovery login refused: max_discovery_per_host", true },
	[ZCIT_HIT_DISC_IDLE] = { "discovery_idle_timeouts",
		"discovery session closed: discovery_idle_timeout", false },
	[ZCIT_HIT_DISC_LOGIN] = { "discovery_logins", "discovery login",
		false },
	[ZCIT_HIT_SESS_BUF] = { "max_session_kib_hits",
		"SCSI command answered TASK SET FULL: max_session_kib", true },
};

static atomic64_t zcit_hits[ZCIT_NR_HITS];
static struct ratelimit_state zcit_hit_rs[ZCIT_NR_HITS];

/*
 * A count parameter: @min to ZCIT_COUNT_MAX (or @max).  Return: 0 or
 * -EINVAL, said.
 */
static int zcit_limit_check(const char *name, unsigned int val,
			    unsigned int min, unsigned int max)
{
	if (val >= min && val <= max)
		return 0;
	pr_err("%s=%u: must be %u to %u\n", name, val, min, max);
	return -EINVAL;
}

/**
 * zcit_limits_init() - check the module parameters and set zcit_limits
 *
 * Return: 0, or -EINVAL (with a message) for a value out of range.
 */
int zcit_limits_init(void)
{
	int i;

	if (zcit_limit_check("max_xfer_kib", max_xfer_kib,
			     ZCIT_MAX_XFER_KIB_MIN, ZCIT_MAX_XFER_KIB_MAX) ||
	    zcit_limit_check("max_logins", max_logins, 1, ZCIT_COUNT_MAX) ||
	    zcit_limit_check("max_logins_per_host", max_logins_per_host, 1,
			     ZCIT_COUNT_MAX) ||
	    zcit_limit_check("first_pdu_timeout", first_pdu_timeout, 1, 15) ||
	    zcit_limit_check("max_discovery", max_discovery, 1,
			     ZCIT_DISCOVERY_MAX) ||
	    zcit_limit_check("max_discovery_per_host", max_discovery_per_host,
			     1, ZCIT_DISCOVERY_MAX) ||
	    zcit_limit_check("discovery_idle_timeout", discovery_idle_timeout,
			     1, 3600) ||
	    zcit_limit_check("max_session_kib", max_session_kib, max_xfer_kib,
			     4 * 1024 * 1024) ||
	    zcit_limit_check("tx_stall_secs", tx_stall_secs, 5, 3600))
		return -EINVAL;
	zcit_limits.max_xfer = max_xfer_kib * 1024;
	zcit_limits.max_sess_bytes = (u64)max_session_kib * 1024;
	zcit_limits.tx_stall = tx_stall_secs;
	zcit_limits.max_logins = max_logins;
	zcit_limits.max_logins_per_host = max_logins_per_host;
	zcit_limits.first_pdu_timeout = first_pdu_timeout * HZ;
	zcit_limits.max_discovery = max_discovery;
	zcit_limits.max_discovery_per_host = max_discovery_per_host;
	zcit_limits.discovery_idle = discovery_idle_timeout * HZ;
	for (i = 0; i < ZCIT_NR_HITS; i++) {
		ratelimit_state_init(&zcit_hit_rs[i], ZCIT_HIT_INTERVAL,
				     zcit_hit_classes[i].burst ?: 1);
		/* No "callbacks suppressed" lines: each line has the count. */
		ratelimit_set_flags(&zcit_hit_rs[i], RATELIMIT_MSG_ON_RELEASE);
	}
	return 0;
}

/**
 * zcit_hit() - count an event and log it, rate-limited per class
 * @hit: the class
 * @peer: the remote address it came from
 * @fmt: details for the line, or "" (printf format)
 *
 * Any context.
 */
void zcit_hit(enum zcit_hit hit, const struct sockaddr_storage *peer,
	      const char *fmt, ...)
{
	const struct zcit_hit_class *c = &zcit_hit_classes[hit];
	u64 n = atomic64_inc_return(&zcit_hits[hit]);
	struct va_format vaf;
	va_list args;

	if (!__ratelimit(&zcit_hit_rs[hit]))
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	if (c->warn)
		pr_warn("%pISc: %s%pV (%llu so far)\n", peer, c->text, &vaf, n);
	else
		pr_info("%pISc: %s%pV (%llu so far)\n", peer, c->text, &vaf, n);
	va_end(args);
}

/**
 * zcit_hit_limit() - the bound behind a refusal, for its log line
 * @hit: one of the classes that refuse at a count (logins, discovery,
 *	session buffers in KiB)
 *
 * Return: the configured bound, or 0 for any other class.
 */
u32 zcit_hit_limit(enum zcit_hit hit)
{
	switch (hit) {
	case ZCIT_HIT_LOGINS_FULL:
		return zcit_limits.max_logins;
	case ZCIT_HIT_LOGINS_HOST:
		return zcit_limits.max_logins_per_host;
	case ZCIT_HIT_DISC_FULL:
		return zcit_limits.max_discovery;
	case ZCIT_HIT_DISC_HOST:
		return zcit_limits.max_discovery_per_host;
	case ZCIT_HIT_SESS_BUF:
		return zcit_limits.max_sess_bytes >> 10;
	default:
		return 0;
	}
}

/**
 * zcit_hit_count() - how often an event happened since the module loaded
 * @hit: the class
 *
 * Return: the count.
 */
u64 zcit_hit_count(enum zcit_hit hit)
{
	return atomic64_read(&zcit_hits[hit]);
}

/**
 * zcit_hit_name() - the name of a class, for its statistics file
 * @hit: the class
 *
 * Return: a constant string.
 */
const char *zcit_hit_name(enum zcit_hit hit)
{
	return zcit_hit_classes[hit].name;
}

/**
 * zcit_same_host() - do two peers count as one host for the bounds?
 * @a: one address
 * @b: the other
 *
 * The same IPv4 address, or the same IPv6 /64 (a host is commonly given
 * a whole /64, so counting single IPv6 addresses would bound nothing).
 * Ports are ignored.
 *
 * Return: true if they do.
 */
bool zcit_same_host(const struct sockaddr_storage *a,
		    const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr, 8);
	return false;
}
