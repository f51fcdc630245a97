/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit LIO glue: sessions, and the connections of TPGs.
 */
#ifndef ZCIT_SESSION_H
#define ZCIT_SESSION_H

#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <zcit/zcit.h>
#include <zcit/login.h>
#include <zcit/text.h>
#include <zcit/transport.h>

struct zcit_conn;

/* CmdSNs a session may have counted as received ahead of ExpCmdSN. */
#define ZCIT_SESS_SKIP_MAX	16

/**
 * struct zcit_sess - an iSCSI session
 * @se_sess: LIO's view (NULL for a discovery session)
 * @tpg: its TPG (NULL for a discovery session)
 * @kref: one reference per connection, one for the TPG's list
 * @node: in @tpg->sessions
 * @lock: protects @conns, @nr_conns, @closing, @exp_cmdsn, @max_cmdsn
 * @conns: its &struct zcit_conn
 * @nr_conns: how many
 * @isid: ISID
 * @tsih: TSIH
 * @sid: LIO Session ID shown in the ACL's info
 * @discovery: SessionType=Discovery
 * @closing: being torn down: no new connection may join
 * @initiator_name: InitiatorName
 * @params: negotiated values
 * @shown: @params as the ACL's param/ shows them
 * @exp_cmdsn: ExpCmdSN
 * @max_cmdsn: MaxCmdSN: moves when a command ends, so that at most
 *	@cmdsn_depth commands are under way
 * @cmdsn_depth: CmdSN window
 * @skip: CmdSNs ahead of @exp_cmdsn that count as received without a
 *	command (RFC 7143 11.5.1, a Reject): ExpCmdSN steps over them
 * @nr_skip: entries in @skip
 * @buf_bytes: bytes of the data buffers its commands hold (at most
 *	zcit_limits.max_sess_bytes: zcit_sess_buf_get())
 * @lio_closed: LIO's close_session() has closed the session and no
 *	longer touches it (see zcit_sess_end()); it may still wait for the
 *	end of the ACL's sessions
 * @acl: the ACL it was registered with, for comparison only (no
 *	reference: @se_sess holds one while the session is in LIO)
 * @disc_node: a discovery session: in the list of them (session.c)
 * @peer: a discovery session: the initiator's address
 * @stats: counters, by &enum zcit_sstat (no lock)
 */
struct zcit_sess {
	struct se_session *se_sess;
	struct zcit_tpg *tpg;
	struct kref kref;
	struct list_head node;
	spinlock_t lock;	/* see the kernel-doc above */
	struct list_head conns;
	u32 nr_conns;
	u8 isid[6];
	u16 tsih;
	u32 sid;
	bool discovery;
	bool closing;
	char initiator_name[ZCIT_ISCSI_NAME_MAX + 1];
	struct zcit_sess_params params;
	struct zcit_params shown;
	u32 exp_cmdsn;
	u32 max_cmdsn;
	u32 cmdsn_depth;
	u32 skip[ZCIT_SESS_SKIP_MAX];
	u32 nr_skip;
	atomic64_t buf_bytes;
	struct completion lio_closed;
	const struct se_node_acl *acl;
	struct list_head disc_node;
	struct sockaddr_storage peer;
	atomic64_t stats[ZCIT_NR_SSTATS];
};

/* Count @n for a session (any context, no lock). */
static inline void zcit_sess_count(struct zcit_sess *sess, enum zcit_sstat i,
				   u64 n)
{
	atomic64_add(n, &sess->stats[i]);
}

/**
 * zcit_conn_count() - count for a connection in Full Feature Phase and for
 *	its session
 * @conn: the connection, in its io work
 * @i: the counter
 * @n: how much
 */
static inline void zcit_conn_count(struct zcit_conn *conn, enum zcit_sstat i,
				   u64 n)
{
	zcit_sess_count(conn->sess, i, n);
	WRITE_ONCE(conn->stats[i], conn->stats[i] + n);
}

/**
 * struct zcit_sess_timeouts - the ACL's timeouts, in seconds (0: none)
 * @dataout: attrib/dataout_timeout
 * @nopin: attrib/nopin_timeout
 * @nopin_response: attrib/nopin_response_timeout
 */
struct zcit_sess_timeouts {
	u32 dataout;
	u32 nopin;
	u32 nopin_response;
};

extern const struct zcit_login_ops zcit_login_ops;
void zcit_sess_release_conn(struct zcit_conn *conn);
u32 zcit_sess_in_use(u32 *disc);
int zcit_sess_take_cmdsn(struct zcit_sess *sess, u32 cmdsn, bool answered);
int zcit_sess_skip_cmdsn(struct zcit_sess *sess, u32 cmdsn);
void zcit_sess_window_open(struct zcit_sess *sess);
bool zcit_sess_buf_get(struct zcit_sess *sess, u32 len);
void zcit_sess_buf_put(struct zcit_sess *sess, u32 len);
void zcit_sess_close(struct zcit_sess *sess, struct zcit_conn *except);
bool zcit_sess_timeouts(struct zcit_sess *sess, struct zcit_sess_timeouts *t);
int zcit_sendtargets(struct zcit_conn *conn, const char *val,
		     struct zcit_text_out *out);
ssize_t zcit_sess_info_show(struct se_node_acl *se_nacl, char *page);
bool zcit_sess_nacl_params(struct se_node_acl *se_nacl, struct zcit_params *out);
void zcit_close_session(struct se_session *se_sess);
u32 zcit_sess_get_index(struct se_session *se_sess);
void zcit_stat_reject(struct zcit_conn *conn, u8 reason);
u32 zcit_sess_get_initiator_sid(struct se_session *se_sess, unsigned char *buf,
				u32 size);

#endif /* ZCIT_SESSION_H */
