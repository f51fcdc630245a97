/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit: the bounds on what a remote host can make zcit hold, and their
 * knobs (module parameters).  Documentation/resources.md has the table.
 */
#ifndef ZCIT_LIMITS_H
#define ZCIT_LIMITS_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/socket.h>

/*
 * Largest max_discovery: discovery sessions take their TSIHs from a range
 * of this size of their own (session.c), so they never take one a normal
 * session could have.
 */
#define ZCIT_DISCOVERY_MAX	4096

/**
 * struct zcit_limits - the bounds, as the module parameters set them
 * @max_xfer: bytes of data one SCSI command may move (its buffer)
 * @max_sess_bytes: bytes of data buffers the commands of one session may
 *	hold at once
 * @tx_stall: seconds a connection in Full Feature Phase may have data to
 *	send that the peer does not take before it is closed
 * @max_logins: connections in the login phase, over all portals
 * @max_logins_per_host: of those, from one source address
 * @first_pdu_timeout: jiffies from the accept to a whole first Login
 *	request
 * @max_discovery: discovery sessions, over all portals
 * @max_discovery_per_host: of those, from one source address
 * @discovery_idle: jiffies a discovery session may stay without a PDU
 */
struct zcit_limits {
	u32 max_xfer;
	u64 max_sess_bytes;
	u32 tx_stall;
	u32 max_logins;
	u32 max_logins_per_host;
	unsigned long first_pdu_timeout;
	u32 max_discovery;
	u32 max_discovery_per_host;
	unsigned long discovery_idle;
};

extern struct zcit_limits zcit_limits;

/**
 * enum zcit_hit - an event a remote host caused that zcit counts and
 *	logs rate-limited (one class, one rate limit, one counter)
 * @ZCIT_HIT_LOGINS_FULL: a connection closed at accept: max_logins
 * @ZCIT_HIT_LOGINS_HOST: ... max_logins_per_host
 * @ZCIT_HIT_LOGIN_EVICTED: a login still waiting for its first request
 *	closed to make room for a new connection
 * @ZCIT_HIT_FIRST_PDU: no whole Login request within first_pdu_timeout
 * @ZCIT_HIT_LOGIN_TIMEOUT: a login not done within its login_timeout
 * @ZCIT_HIT_LOGIN_REFUSED: a login refused before a target was found (a
 *	non-zero Login Response: no such target, a malformed request)
 * @ZCIT_HIT_LOGIN_FAILED: a login to a target of ours failed: refused
 *	(authentication, ACL, negotiation...) or abandoned by the initiator
 * @ZCIT_HIT_DISC_FULL: a discovery login refused: max_discovery
 * @ZCIT_HIT_DISC_HOST: ... max_discovery_per_host
 * @ZCIT_HIT_DISC_IDLE: a discovery session closed: discovery_idle_timeout
 * @ZCIT_HIT_DISC_LOGIN: a discovery session began (not a bound: logged
 *	rate-limited like the others)
 * @ZCIT_HIT_SESS_BUF: a SCSI command answered TASK SET FULL: its buffer
 *	would take its session over max_sess_bytes
 * @ZCIT_NR_HITS: how many
 */
enum zcit_hit {
	ZCIT_HIT_LOGINS_FULL,
	ZCIT_HIT_LOGINS_HOST,
	ZCIT_HIT_LOGIN_EVICTED,
	ZCIT_HIT_FIRST_PDU,
	ZCIT_HIT_LOGIN_TIMEOUT,
	ZCIT_HIT_LOGIN_REFUSED,
	ZCIT_HIT_LOGIN_FAILED,
	ZCIT_HIT_DISC_FULL,
	ZCIT_HIT_DISC_HOST,
	ZCIT_HIT_DISC_IDLE,
	ZCIT_HIT_DISC_LOGIN,
	ZCIT_HIT_SESS_BUF,
	ZCIT_NR_HITS,
};

int zcit_limits_init(void);
__printf(3, 4)
void zcit_hit(enum zcit_hit hit, const struct sockaddr_storage *peer,
	      const char *fmt, ...);
u64 zcit_hit_count(enum zcit_hit hit);
u32 zcit_hit_limit(enum zcit_hit hit);
const char *zcit_hit_name(enum zcit_hit hit);
bool zcit_same_host(const struct sockaddr_storage *a,
		    const struct sockaddr_storage *b);

#endif /* ZCIT_LIMITS_H */
