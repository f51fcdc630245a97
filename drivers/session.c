// SPDX-License-Identifier: GPL-2.0
/*
 * zcit LIO glue: sessions.
 *
 * The login engine asks two questions (&zcit_login_ops): which target,
 * ACL and credentials a login is for, and, when it reaches Full Feature
 * Phase, which session the connection belongs to.  The answers need LIO
 * and configfs state, so they live here.  Normal sessions are LIO
 * se_sessions with the initiator's node ACL; discovery sessions are ours
 * alone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/idr.h>
#include <linux/wait.h>
#include <linux/completion.h>
#include <linux/sysfs.h>
#include <target/target_core_base.h>
#include <target/target_core_fabric.h>
#include <zcit/conn.h>
#include <zcit/session.h>
#include <zcit/cmd.h>
#include <zcit/limits.h>

/* How long a reinstating login waits for the old session to go. */
#define ZCIT_REINSTATE_WAIT	(10 * HZ)

/*
 * TSIH 0 means "new session" (RFC 7143 11.12.6): hand out 1 to 65535,
 * the top ZCIT_DISCOVERY_MAX of them to discovery sessions only, so that
 * discovery (no authentication by default) can never take the TSIHs
 * normal sessions need.
 */
#define ZCIT_TSIH_DISC_FIRST	(0x10000 - ZCIT_DISCOVERY_MAX)
static DEFINE_IDA(zcit_tsih_ida);
/* Discovery sessions, for max_discovery and max_discovery_per_host. */
static LIST_HEAD(zcit_disc_sessions);
static u32 zcit_nr_disc;
static DEFINE_SPINLOCK(zcit_disc_lock);
static atomic_t zcit_next_sid = ATOMIC_INIT(0);
/* Sessions not yet freed, discovery ones included (so TSIHs in use). */
static atomic_t zcit_nr_sess = ATOMIC_INIT(0);

static struct zcit_conn *to_conn(struct zcit_login *l)
{
	return l->priv;
}

static u16 zcit_resolve_discovery(struct zcit_login *l)
{
	struct zcit_login_policy *pol = &l->pol;

	/* As iscsi_target_mod: discovery starts from the default keys. */
	zcit_params_init(&pol->params);
	zcit_params_set_authentication(&pol->params,
				       READ_ONCE(zcit_global.enforce_disc_auth));
	mutex_lock(&zcit_global.disc_auth.lock);
	pol->auth = zcit_global.disc_auth.auth;
	mutex_unlock(&zcit_global.disc_auth.lock);
	pol->tpgt = 0;
	pol->cmdsn_depth =
		zcit_tpg_attrs[ZCIT_TA_DEFAULT_CMDSN_DEPTH].def;
	return ZCIT_LS_OK;
}

static struct zcit_tiqn *zcit_find_tiqn(const char *name)
{
	struct zcit_tiqn *tiqn;

	list_for_each_entry(tiqn, &zcit_tiqns, node)
		if (!strcmp(tiqn->name, name))
			return tiqn;
	return NULL;
}

static u16 zcit_resolve(struct zcit_login *l)
{
	struct zcit_conn *conn = to_conn(l);
	struct zcit_login_policy *pol = &l->pol;
	struct se_node_acl *se_nacl;
	struct zcit_auth_cfg *creds;
	struct zcit_tiqn *tiqn;
	struct zcit_tpg *tpg;
	struct zcit_nacl *nacl;
	s32 auth, timeout;
	u16 status;

	if (l->discovery)
		return zcit_resolve_discovery(l);

	mutex_lock(&zcit_cfg_mutex);
	tiqn = zcit_find_tiqn(l->target_name);
	/*
	 * RFC 7143 11.13.5: a target not behind the address the connection
	 * arrived on is not found.
	 */
	tpg = tiqn ? zcit_tiqn_route(tiqn, &conn->local) : NULL;
	if (!tpg) {
		status = ZCIT_LS_NOT_FOUND;
		goto out_unlock;
	}
	if (!READ_ONCE(tpg->enabled) || tpg->dying) {
		status = ZCIT_LS_UNAVAILABLE;
		goto out_unlock;
	}
	/* An ACL, or a dynamic one in demo mode (generate_node_acls). */
	se_nacl = core_tpg_check_initiator_node_acl(&tpg->se_tpg,
						    l->initiator_name);
	if (!se_nacl) {
		status = ZCIT_LS_FORBIDDEN;
		goto out_unlock;
	}
	nacl = to_zcit_nacl(se_nacl);

	mutex_lock(&tpg->lock);
	pol->params = tpg->params;
	auth = tpg->attrib[ZCIT_TA_AUTHENTICATION];
	timeout = tpg->attrib[ZCIT_TA_LOGIN_TIMEOUT];
	mutex_unlock(&tpg->lock);
	/* As iscsi_target_mod: an explicit ACL may override the TPG. */
	if (!se_nacl->dynamic_node_acl &&
	    READ_ONCE(nacl->attrib[ZCIT_NA_AUTHENTICATION]) !=
	    ZCIT_NA_AUTH_INHERITED)
		auth = READ_ONCE(nacl->attrib[ZCIT_NA_AUTHENTICATION]);
	zcit_params_set_authentication(&pol->params, auth);
	/* Demo-mode logins prove the TPG's auth/ credentials. */
	creds = se_nacl->dynamic_node_acl ? &tpg->auth : &nacl->auth;
	mutex_lock(&creds->lock);
	pol->auth = creds->auth;
	mutex_unlock(&creds->lock);
	pol->tpgt = tpg->tpgt;
	pol->cmdsn_depth = se_nacl->queue_depth ? se_nacl->queue_depth : 1;

	conn->nacl = se_nacl;
	conn->tpg = tpg;
	spin_lock_bh(&tpg->conn_lock);
	list_add_tail(&conn->tpg_node, &tpg->conns);
	spin_unlock_bh(&tpg->conn_lock);
	mutex_unlock(&zcit_cfg_mutex);
	zcit_conn_set_login_timeout(conn, timeout);
	return ZCIT_LS_OK;

out_unlock:
	/* A target of ours refused it: counted while it cannot go away. */
	if (tpg)
		zcit_stat_login_fail(tiqn, status, l->initiator_name,
				     &conn->peer);
	mutex_unlock(&zcit_cfg_mutex);
	/* ffp.c logs the refusal, rate-limited. */
	pr_debug("login from %pISpc: %s to %s refused (0x%04x)\n",
		 &conn->peer, l->initiator_name, l->target_name, status);
	return status;
}

static struct zcit_sess *zcit_sess_alloc(struct zcit_login *l)
{
	struct zcit_sess *sess;
	int tsih;

	sess = kzalloc(sizeof(*sess), GFP_KERNEL);
	if (!sess)
		return NULL;
	if (l->discovery)
		tsih = ida_alloc_range(&zcit_tsih_ida, ZCIT_TSIH_DISC_FIRST,
				       0xffff, GFP_KERNEL);
	else
		tsih = ida_alloc_range(&zcit_tsih_ida, 1,
				       ZCIT_TSIH_DISC_FIRST - 1, GFP_KERNEL);
	if (tsih < 0) {
		kfree(sess);
		return NULL;
	}
	atomic_inc(&zcit_nr_sess);
	kref_init(&sess->kref);
	spin_lock_init(&sess->lock);
	init_completion(&sess->lio_closed);
	INIT_LIST_HEAD(&sess->conns);
	INIT_LIST_HEAD(&sess->node);
	INIT_LIST_HEAD(&sess->disc_node);
	memcpy(sess->isid, l->isid, sizeof(sess->isid));
	sess->tsih = tsih;
	sess->sid = atomic_inc_return(&zcit_next_sid);
	sess->discovery = l->discovery;
	strscpy(sess->initiator_name, l->initiator_name,
		sizeof(sess->initiator_name));
	sess->params = l->nego.res;
	zcit_nego_to_params(&sess->params, &sess->shown);
	strscpy(sess->shown.val[ZCIT_KEY_AUTHMETHOD],
		l->auth == ZCIT_AUTH_DONE && l->chap.alg ? "CHAP" : "None",
		sizeof(sess->shown.val[ZCIT_KEY_AUTHMETHOD]));
	/* RFC 7143 4.2.2.1: the session's CmdSN starts at the login's. */
	sess->exp_cmdsn = l->cmdsn;
	sess->cmdsn_depth = l->pol.cmdsn_depth;
	sess->max_cmdsn = zcit_sn_max_cmdsn(l->cmdsn, sess->cmdsn_depth);
	return sess;
}

static void zcit_sess_free(struct kref *kref)
{
	struct zcit_sess *sess = container_of(kref, struct zcit_sess, kref);

	spin_lock_bh(&zcit_disc_lock);
	if (!list_empty(&sess->disc_node)) {
		list_del(&sess->disc_node);
		zcit_nr_disc--;
	}
	spin_unlock_bh(&zcit_disc_lock);
	ida_free(&zcit_tsih_ida, sess->tsih);
	kfree(sess);
	atomic_dec(&zcit_nr_sess);
}

/**
 * zcit_sess_in_use() - sessions not yet freed
 * @disc: set to how many of them are discovery sessions
 *
 * Each holds a TSIH; a normal one also its LIO session and tag pool.
 *
 * Return: the number of sessions, discovery ones included.
 */
u32 zcit_sess_in_use(u32 *disc)
{
	spin_lock_bh(&zcit_disc_lock);
	*disc = zcit_nr_disc;
	spin_unlock_bh(&zcit_disc_lock);
	return atomic_read(&zcit_nr_sess);
}

static void zcit_sess_put(struct zcit_sess *sess)
{
	kref_put(&sess->kref, zcit_sess_free);
}

/*
 * Add @conn to @sess unless the session is closing, full (MaxConnections)
 * or already has a connection with its CID (RFC 7143 6.3.4: connection
 * reinstatement is ERL 2).  One critical section, so that a session whose
 * last connection is leaving cannot be joined.  Return a ZCIT_LS_* status.
 */
static u16 zcit_sess_add_conn(struct zcit_sess *sess, struct zcit_conn *conn)
{
	u16 cid = conn->login->cid;
	struct zcit_conn *c;
	u16 status = ZCIT_LS_OK;

	spin_lock_bh(&sess->lock);
	if (sess->closing) {
		status = ZCIT_LS_NO_SESSION;
		goto out;
	}
	if (sess->nr_conns && sess->nr_conns >= sess->params.max_connections) {
		status = ZCIT_LS_TOO_MANY_CONNS;
		goto out;
	}
	list_for_each_entry(c, &sess->conns, sess_node) {
		if (c->cid == cid) {
			status = ZCIT_LS_CONN_ADD;
			goto out;
		}
	}
	kref_get(&sess->kref);
	conn->sess = sess;
	conn->cid = cid;
	list_add_tail(&conn->sess_node, &sess->conns);
	sess->nr_conns++;
out:
	spin_unlock_bh(&sess->lock);
	return status;
}

/* The session of @tpg with this initiator and ISID.  Under conn_lock. */
static struct zcit_sess *zcit_tpg_find_sess(struct zcit_tpg *tpg,
					    const char *name, const u8 *isid,
					    u16 tsih)
{
	struct zcit_sess *sess;

	list_for_each_entry(sess, &tpg->sessions, node)
		if (!strcmp(sess->initiator_name, name) &&
		    !memcmp(sess->isid, isid, sizeof(sess->isid)) &&
		    (!tsih || sess->tsih == tsih))
			return sess;
	return NULL;
}

/*
 * RFC 7143 6.3.5: a leading login with the ISID of an existing session
 * (same initiator, same TPG) reinstates it: the old one is closed first.
 */
static u16 zcit_reinstate(struct zcit_tpg *tpg, struct zcit_login *l)
{
	struct zcit_sess *old;

	spin_lock_bh(&tpg->conn_lock);
	old = zcit_tpg_find_sess(tpg, l->initiator_name, l->isid, 0);
	if (old)
		kref_get(&old->kref);
	spin_unlock_bh(&tpg->conn_lock);
	if (!old)
		return ZCIT_LS_OK;

	pr_info_ratelimited("%s: reinstating session TSIH %u of %s\n",
			    tpg->tiqn->name, old->tsih, old->initiator_name);
	zcit_sess_close(old, NULL);
	if (!wait_event_timeout(tpg->conn_wq, list_empty_careful(&old->node),
				ZCIT_REINSTATE_WAIT)) {
		zcit_sess_put(old);
		return ZCIT_LS_UNAVAILABLE;
	}
	zcit_sess_put(old);
	return ZCIT_LS_OK;
}

/* RFC 7143 6.3.1: a connection joining a session. */
static u16 zcit_join(struct zcit_login *l)
{
	struct zcit_conn *conn = to_conn(l);
	struct zcit_tpg *tpg = conn->tpg;
	struct zcit_sess *sess;
	u16 status;

	spin_lock_bh(&tpg->conn_lock);
	sess = zcit_tpg_find_sess(tpg, l->initiator_name, l->isid, l->tsih);
	if (sess)
		kref_get(&sess->kref);
	spin_unlock_bh(&tpg->conn_lock);
	if (!sess)
		return ZCIT_LS_NO_SESSION;
	status = zcit_sess_add_conn(sess, conn);
	zcit_sess_put(sess);
	if (!status) {
		/* The session holds its own reference on the ACL. */
		target_put_nacl(conn->nacl);
		conn->nacl = NULL;
	}
	return status;
}

/* A new session in LIO, its commands from a pool sized by its window. */
static struct zcit_sess *zcit_sess_alloc_lio(struct zcit_login *l)
{
	struct zcit_sess *sess;

	sess = zcit_sess_alloc(l);
	if (!sess)
		return NULL;
	sess->se_sess = transport_alloc_session(TARGET_PROT_NORMAL);
	if (IS_ERR(sess->se_sess)) {
		sess->se_sess = NULL;
		zcit_sess_put(sess);
		return NULL;
	}
	if (transport_alloc_session_tags(sess->se_sess,
					 zcit_sess_tags(sess->cmdsn_depth),
					 sizeof(struct zcit_cmd))) {
		transport_free_session(sess->se_sess);
		sess->se_sess = NULL;
		zcit_sess_put(sess);
		return NULL;
	}
	return sess;
}

static u16 zcit_complete_normal(struct zcit_login *l)
{
	struct zcit_conn *conn = to_conn(l);
	struct zcit_tpg *tpg = conn->tpg;
	struct se_node_acl *se_nacl = conn->nacl;
	struct zcit_sess *sess;
	u16 status;

	if (l->tsih)
		return zcit_join(l);
	status = zcit_reinstate(tpg, l);
	if (status)
		return status;
	sess = zcit_sess_alloc_lio(l);
	if (!sess)
		return ZCIT_LS_NO_RESOURCES;
	sess->tpg = tpg;

	/*
	 * Under acl_node_mutex, as LIO core removes an ACL: an ACL removed
	 * since the login found it must not get a session (nothing would
	 * close it, and the removal would wait for it forever).
	 */
	mutex_lock(&tpg->se_tpg.acl_node_mutex);
	if (list_empty(&se_nacl->acl_list)) {
		status = ZCIT_LS_FORBIDDEN;
		goto err_unlock;
	}
	spin_lock_bh(&tpg->conn_lock);
	/*
	 * Two leading logins with one ISID at once: both found nothing to
	 * reinstate.  The check and the insertion are one critical section;
	 * the later login is told to retry, and its retry reinstates.
	 */
	if (tpg->dying || !READ_ONCE(tpg->enabled) ||
	    zcit_tpg_find_sess(tpg, l->initiator_name, l->isid, 0)) {
		spin_unlock_bh(&tpg->conn_lock);
		status = ZCIT_LS_UNAVAILABLE;
		goto err_unlock;
	}
	/* The first reference is the TPG list's. */
	list_add_tail(&sess->node, &tpg->sessions);
	atomic_inc(&tpg->tiqn->nr_sessions);
	spin_unlock_bh(&tpg->conn_lock);
	/* A new session is empty: this cannot fail. */
	WARN_ON(zcit_sess_add_conn(sess, conn));
	/*
	 * The ACL reference taken at resolve now belongs to the session:
	 * transport_free_session() drops it.
	 */
	sess->se_sess->se_node_acl = se_nacl;
	sess->acl = se_nacl;
	transport_register_session(&tpg->se_tpg, se_nacl, sess->se_sess, sess);
	conn->nacl = NULL;
	mutex_unlock(&tpg->se_tpg.acl_node_mutex);
	l->tsih = sess->tsih;
	return ZCIT_LS_OK;

err_unlock:
	mutex_unlock(&tpg->se_tpg.acl_node_mutex);
	transport_free_session(sess->se_sess);
	sess->se_sess = NULL;
	zcit_sess_put(sess);
	return status;
}

/*
 * Count a new discovery session against max_discovery and
 * max_discovery_per_host; return the bound that refuses it, or
 * ZCIT_NR_HITS (it is on the list, until it is freed).
 */
static enum zcit_hit zcit_disc_admit(struct zcit_sess *sess)
{
	enum zcit_hit hit = ZCIT_NR_HITS;
	struct zcit_sess *s;
	u32 same = 0;

	spin_lock_bh(&zcit_disc_lock);
	if (zcit_nr_disc >= zcit_limits.max_discovery) {
		hit = ZCIT_HIT_DISC_FULL;
		goto out;
	}
	list_for_each_entry(s, &zcit_disc_sessions, disc_node)
		if (zcit_same_host(&s->peer, &sess->peer))
			same++;
	if (same >= zcit_limits.max_discovery_per_host) {
		hit = ZCIT_HIT_DISC_HOST;
		goto out;
	}
	list_add_tail(&sess->disc_node, &zcit_disc_sessions);
	zcit_nr_disc++;
out:
	spin_unlock_bh(&zcit_disc_lock);
	return hit;
}

static u16 zcit_complete(struct zcit_login *l)
{
	struct zcit_conn *conn = to_conn(l);
	struct zcit_sess *sess;
	enum zcit_hit hit;

	if (!l->discovery)
		return zcit_complete_normal(l);
	/* Discovery sessions have one connection and no LIO session. */
	if (l->tsih)
		return ZCIT_LS_NO_SESSION;
	sess = zcit_sess_alloc(l);
	if (!sess)
		return ZCIT_LS_NO_RESOURCES;
	sess->peer = conn->peer;
	hit = zcit_disc_admit(sess);
	if (hit != ZCIT_NR_HITS) {
		zcit_hit(hit, &conn->peer, " (%u)", zcit_hit_limit(hit));
		zcit_sess_put(sess);
		return ZCIT_LS_NO_RESOURCES;
	}
	WARN_ON(zcit_sess_add_conn(sess, conn));
	/* No NOP-In pings for discovery: an idle session is closed. */
	zcit_conn_set_idle_timeout(conn, zcit_limits.discovery_idle);
	l->tsih = sess->tsih;
	zcit_sess_put(sess);	/* the connection holds it */
	return ZCIT_LS_OK;
}

const struct zcit_login_ops zcit_login_ops = {
	.resolve = zcit_resolve,
	.complete = zcit_complete,
};

/* The last connection of a normal session is gone: leave LIO. */
static void zcit_sess_end(struct zcit_sess *sess)
{
	struct zcit_tpg *tpg = sess->tpg;
	struct se_session *se_sess = sess->se_sess;
	struct se_node_acl *se_nacl = se_sess->se_node_acl;
	bool lio_owns = false;

	/*
	 * LIO core's target_shutdown_sessions() takes a session off its ACL's
	 * list and then calls close_session() without a reference: if it
	 * did, wait until that call is done with the session (it completes
	 * lio_closed then, and may go on to wait for this very end).
	 */
	spin_lock_bh(&se_nacl->nacl_sess_lock);
	if (list_empty(&se_sess->sess_acl_list))
		lio_owns = true;
	else
		list_del_init(&se_sess->sess_acl_list);
	spin_unlock_bh(&se_nacl->nacl_sess_lock);
	if (lio_owns)
		wait_for_completion(&sess->lio_closed);

	transport_deregister_session_configfs(se_sess);
	transport_deregister_session(se_sess);
	sess->se_sess = NULL;
	spin_lock_bh(&tpg->conn_lock);
	list_del_init(&sess->node);
	atomic_dec(&tpg->tiqn->nr_sessions);
	/* Under the lock: a waiter may free @tpg as soon as it returns. */
	wake_up_all(&tpg->conn_wq);
	spin_unlock_bh(&tpg->conn_lock);
	pr_debug("%s: session TSIH %u of %s ended\n", tpg->tiqn->name,
		 sess->tsih, sess->initiator_name);
	zcit_sess_put(sess);	/* the TPG's list */
}

/**
 * zcit_sess_release_conn() - a closed connection leaves its session and TPG
 * @conn: the connection, in its release work
 *
 * The last connection of a session ends it.  Wakes up whoever waits for
 * the TPG's connections or sessions to go.
 */
void zcit_sess_release_conn(struct zcit_conn *conn)
{
	struct zcit_sess *sess = conn->sess;
	struct zcit_tpg *tpg = conn->tpg;
	bool last = false;

	if (conn->nacl) {
		target_put_nacl(conn->nacl);
		conn->nacl = NULL;
	}
	if (sess) {
		spin_lock_bh(&sess->lock);
		list_del_init(&conn->sess_node);
		last = !--sess->nr_conns;
		if (last)
			sess->closing = true;
		spin_unlock_bh(&sess->lock);
		if (last && sess->tpg)
			zcit_sess_end(sess);
		zcit_sess_put(sess);
		conn->sess = NULL;
	}
	if (tpg) {
		spin_lock_bh(&tpg->conn_lock);
		list_del_init(&conn->tpg_node);
		/* Under the lock: a waiter may free @tpg as soon as it returns. */
		wake_up_all(&tpg->conn_wq);
		spin_unlock_bh(&tpg->conn_lock);
	}
}

/**
 * zcit_sess_close() - close every connection of a session
 * @sess: the session
 * @except: a connection that closes itself (the one that carried a
 *	Logout), or NULL
 *
 * Asynchronous: the session ends when its last connection is released.
 */
void zcit_sess_close(struct zcit_sess *sess, struct zcit_conn *except)
{
	struct zcit_conn *conn;

	spin_lock_bh(&sess->lock);
	sess->closing = true;
	list_for_each_entry(conn, &sess->conns, sess_node)
		if (conn != except)
			zcit_conn_close(conn);
	spin_unlock_bh(&sess->lock);
}

/* ExpCmdSN moved: connections waiting for their CmdSN may go on. */
static void zcit_sess_kick_locked(struct zcit_sess *sess)
{
	struct zcit_conn *conn;

	if (sess->nr_conns < 2)
		return;
	list_for_each_entry(conn, &sess->conns, sess_node)
		zcit_conn_kick(conn);
}

/* Is @cmdsn one that counts as received already?  Under sess->lock. */
static bool zcit_sess_skipped_locked(struct zcit_sess *sess, u32 cmdsn)
{
	u32 i;

	for (i = 0; i < sess->nr_skip; i++)
		if (sess->skip[i] == cmdsn)
			return true;
	return false;
}

/*
 * ExpCmdSN has moved: step over the CmdSNs that count as received, each
 * of which also opens the window (no command holds it).  Under sess->lock.
 */
static void zcit_sess_advance_locked(struct zcit_sess *sess)
{
	u32 i = 0;

	while (i < sess->nr_skip) {
		if (sess->skip[i] != sess->exp_cmdsn) {
			i++;
			continue;
		}
		sess->skip[i] = sess->skip[--sess->nr_skip];
		sess->exp_cmdsn++;
		sess->max_cmdsn++;
		i = 0;
	}
	zcit_sess_kick_locked(sess);
}

/**
 * zcit_sess_take_cmdsn() - deliver a command in CmdSN order
 * @sess: the session
 * @cmdsn: the command's CmdSN (it is not immediate)
 * @answered: the command is done as soon as it is answered (any PDU but
 *	a SCSI Command): MaxCmdSN moves with ExpCmdSN; a SCSI command opens
 *	the window when it ends (zcit_sess_window_open())
 *
 * RFC 7143 4.2.2.1: non-immediate commands reach the target's processing
 * in CmdSN order over all the session's connections; outside the window
 * they are dropped.
 *
 * Return: 0, the command is next (ExpCmdSN advanced); -EAGAIN, an earlier
 * one has not arrived yet: wait; -ERANGE, outside the window, or its
 * CmdSN was accounted for already (an aborted task): drop it.
 */
int zcit_sess_take_cmdsn(struct zcit_sess *sess, u32 cmdsn, bool answered)
{
	int ret = 0;

	spin_lock_bh(&sess->lock);
	if (!zcit_sn_in_window(cmdsn, sess->exp_cmdsn, sess->max_cmdsn) ||
	    zcit_sess_skipped_locked(sess, cmdsn)) {
		ret = -ERANGE;
	} else if (cmdsn != sess->exp_cmdsn) {
		ret = -EAGAIN;
	} else {
		sess->exp_cmdsn++;
		if (answered)
			sess->max_cmdsn++;
		zcit_sess_advance_locked(sess);
	}
	spin_unlock_bh(&sess->lock);
	return ret;
}

/**
 * zcit_sess_skip_cmdsn() - a CmdSN counts as received, without a command
 * @sess: the session
 * @cmdsn: the CmdSN
 *
 * RFC 7143 11.5.1: the CmdSN of a task aborted before it arrived; a
 * command answered with a Reject.  Outside the window, nothing happens.
 *
 * Return: 0, or -ENOSPC when too many are pending ahead of ExpCmdSN.
 */
int zcit_sess_skip_cmdsn(struct zcit_sess *sess, u32 cmdsn)
{
	int ret = 0;

	spin_lock_bh(&sess->lock);
	if (!zcit_sn_in_window(cmdsn, sess->exp_cmdsn, sess->max_cmdsn) ||
	    zcit_sess_skipped_locked(sess, cmdsn))
		goto out;
	if (sess->nr_skip == ZCIT_SESS_SKIP_MAX) {
		ret = -ENOSPC;
		goto out;
	}
	sess->skip[sess->nr_skip++] = cmdsn;
	zcit_sess_advance_locked(sess);
out:
	spin_unlock_bh(&sess->lock);
	return ret;
}

/**
 * zcit_sess_buf_get() - reserve a command's data buffer in its session
 * @sess: the session
 * @len: bytes of the buffer LIO will allocate for the command
 *
 * A session's commands hold at most zcit_limits.max_sess_bytes of data
 * buffers at once, whatever the CmdSN window and max_xfer_kib allow
 * (Documentation/resources.md). Any context.
 *
 * Return: true when reserved (zcit_sess_buf_put() gives it back), false
 * when the command would take the session over its bound.
 */
bool zcit_sess_buf_get(struct zcit_sess *sess, u32 len)
{
	if (atomic64_add_return(len, &sess->buf_bytes) <=
	    zcit_limits.max_sess_bytes)
		return true;
	atomic64_sub(len, &sess->buf_bytes);
	return false;
}

/**
 * zcit_sess_buf_put() - a command's data buffer is gone
 * @sess: the session
 * @len: what zcit_sess_buf_get() reserved
 */
void zcit_sess_buf_put(struct zcit_sess *sess, u32 len)
{
	atomic64_sub(len, &sess->buf_bytes);
}

/**
 * zcit_sess_window_open() - a command that took a CmdSN has ended
 * @sess: the session
 */
void zcit_sess_window_open(struct zcit_sess *sess)
{
	spin_lock_bh(&sess->lock);
	sess->max_cmdsn++;
	spin_unlock_bh(&sess->lock);
}

/**
 * zcit_sess_timeouts() - the timeouts of a session's ACL
 * @sess: the session
 * @t: filled in
 *
 * Return: false for a discovery session, which has none.
 */
bool zcit_sess_timeouts(struct zcit_sess *sess, struct zcit_sess_timeouts *t)
{
	struct zcit_nacl *nacl;

	if (!sess->se_sess)
		return false;
	nacl = to_zcit_nacl(sess->se_sess->se_node_acl);
	t->dataout = READ_ONCE(nacl->attrib[ZCIT_NA_DATAOUT_TIMEOUT]);
	t->nopin = READ_ONCE(nacl->attrib[ZCIT_NA_NOPIN_TIMEOUT]);
	t->nopin_response =
		READ_ONCE(nacl->attrib[ZCIT_NA_NOPIN_RESPONSE_TIMEOUT]);
	return true;
}

/*
 * The TargetAddress to give for portal @np of @tpg to a connection that
 * arrived on @local (zcit_portal_advertise()), unless an earlier portal of
 * @tpg already gave the same one (0.0.0.0:3260 next to 10.0.0.1:3260).
 */
static bool zcit_st_address(struct zcit_tpg *tpg, struct zcit_tpg_np *np,
			    const struct sockaddr_storage *local,
			    struct sockaddr_storage *out)
{
	struct sockaddr_storage prev;
	struct zcit_tpg_np *p;

	if (!zcit_portal_advertise(zcit_portal_addr(np->portal), local, out))
		return false;
	list_for_each_entry(p, &tpg->portals, node) {
		if (p == np)
			break;
		if (zcit_portal_advertise(zcit_portal_addr(p->portal), local,
					  &prev) &&
		    zcit_sockaddr_equal(&prev, out))
			return false;
	}
	return true;
}

/**
 * zcit_sendtargets() - answer SendTargets (RFC 7143 appendix C)
 * @conn: the connection of a session
 * @val: "All", a target name, or "" (the session's own target)
 * @out: the response
 *
 * As iscsi_target_mod: a TPG is listed only if the initiator has an ACL
 * there or demo mode or demo_mode_discovery lets it see it, and only when
 * enabled unless attrib/tpg_enabled_sendtargets is 0.  A portal bound to
 * a wildcard address is given as the address the initiator reached (with
 * the portal's port), and only if it serves that address; an IPv6
 * link-local address only if it is the one the initiator reached
 * (zcit_portal_advertise()).  Unlike iscsi_target_mod, an address is given
 * once per TPG even when two of its portals lead to it.
 *
 * Return: 0, or -ENOSPC when @out is full (the answer is cut short).
 */
int zcit_sendtargets(struct zcit_conn *conn, const char *val,
		     struct zcit_text_out *out)
{
	const char *name = conn->sess->initiator_name;
	bool all = !strcmp(val, "All");
	struct zcit_tiqn *tiqn;
	int ret = 0;

	/* Outside a discovery session, "All" is still allowed (C.1). */
	if (!all && !*val) {
		if (conn->sess->discovery || !conn->tpg)
			return zcit_text_add(out, "SendTargets", "Reject");
		val = conn->tpg->tiqn->name;
	}
	mutex_lock(&zcit_cfg_mutex);
	list_for_each_entry(tiqn, &zcit_tiqns, node) {
		bool named = false;
		struct zcit_tpg *tpg;

		if (!all && strcmp(val, tiqn->name))
			continue;
		list_for_each_entry(tpg, &tiqn->tpgs, node) {
			struct zcit_tpg_np *np;

			if (!READ_ONCE(tpg->attrib[ZCIT_TA_GENERATE_NODE_ACLS]) &&
			    !READ_ONCE(tpg->attrib[ZCIT_TA_DEMO_MODE_DISCOVERY]) &&
			    !target_tpg_has_node_acl(&tpg->se_tpg, name))
				continue;
			if (!READ_ONCE(tpg->enabled) &&
			    READ_ONCE(tpg->attrib[ZCIT_TA_TPG_ENABLED_SENDTARGETS]))
				continue;
			list_for_each_entry(np, &tpg->portals, node) {
				struct sockaddr_storage a;

				if (!zcit_st_address(tpg, np, &conn->local, &a))
					continue;
				if (!named) {
					ret = zcit_text_add(out, "TargetName",
							    tiqn->name);
					if (ret)
						goto out;
					named = true;
				}
				ret = zcit_text_addf(out, "TargetAddress",
						     "%pISpc,%u", &a, tpg->tpgt);
				if (ret)
					goto out;
			}
		}
	}
out:
	mutex_unlock(&zcit_cfg_mutex);
	return ret;
}

/**
 * zcit_sess_info_show() - the ACL's info file, in iscsi_target_mod's format
 * @se_nacl: the ACL
 * @page: the configfs page
 *
 * targetcli's "sessions" command parses this text.
 *
 * Return: bytes written.
 */
ssize_t zcit_sess_info_show(struct se_node_acl *se_nacl, char *page)
{
	struct se_session *se_sess;
	struct zcit_sess *sess;
	struct zcit_conn *conn;
	ssize_t rb = 0;
	u32 max;

	spin_lock_bh(&se_nacl->nacl_sess_lock);
	se_sess = se_nacl->nacl_sess;
	if (!se_sess || !se_sess->fabric_sess_ptr) {
		rb = sysfs_emit(page,
				"No active iSCSI Session for Initiator Endpoint: %s\n",
				se_nacl->initiatorname);
		goto out;
	}
	sess = se_sess->fabric_sess_ptr;
	rb += sysfs_emit_at(page, rb, "InitiatorName: %s\n",
			    sess->initiator_name);
	rb += sysfs_emit_at(page, rb, "InitiatorAlias: %s\n",
			    sess->params.initiator_alias);
	rb += sysfs_emit_at(page, rb,
			    "LIO Session ID: %u   ISID: 0x%6ph  TSIH: %hu  ",
			    sess->sid, sess->isid, sess->tsih);
	rb += sysfs_emit_at(page, rb, "SessionType: %s\n",
			    sess->discovery ? "Discovery" : "Normal");
	rb += sysfs_emit_at(page, rb, "Session State: %s\n",
			    sess->closing ? "TARG_SESS_STATE_FAILED" :
			    "TARG_SESS_STATE_LOGGED_IN");
	rb += sysfs_emit_at(page, rb,
			    "---------------------[iSCSI Session Values]-----------------------\n");
	rb += sysfs_emit_at(page, rb,
			    "  CmdSN/WR  :  CmdSN/WC  :  ExpCmdSN  :  MaxCmdSN  :     ITT    :     TTT\n");
	spin_lock(&sess->lock);
	max = zcit_sn_max_cmdsn(sess->exp_cmdsn, sess->cmdsn_depth);
	rb += sysfs_emit_at(page, rb,
			    " 0x%08x   0x%08x   0x%08x   0x%08x   0x%08x   0x%08x\n",
			    sess->cmdsn_depth, max - sess->exp_cmdsn + 1,
			    sess->exp_cmdsn, max, 0, 0);
	rb += sysfs_emit_at(page, rb,
			    "----------------------[iSCSI Connections]-------------------------\n");
	list_for_each_entry(conn, &sess->conns, sess_node) {
		rb += sysfs_emit_at(page, rb,
				    "CID: %hu  Connection State: %s\n",
				    conn->cid,
				    zcit_conn_state(conn) == ZCIT_CONN_DEAD ?
				    "TARG_CONN_STATE_CLEANUP_WAIT" :
				    "TARG_CONN_STATE_LOGGED_IN");
		rb += sysfs_emit_at(page, rb, "   Address %pISc %s",
				    &conn->peer, "TCP");
		rb += sysfs_emit_at(page, rb, "  StatSN: 0x%08x\n",
				    conn->statsn);
	}
	spin_unlock(&sess->lock);
out:
	spin_unlock_bh(&se_nacl->nacl_sess_lock);
	return rb;
}

/**
 * zcit_sess_nacl_params() - negotiated values for an ACL's param/ view
 * @se_nacl: the ACL
 * @out: filled in when a session is up
 *
 * Return: true if the ACL has a session.
 */
bool zcit_sess_nacl_params(struct se_node_acl *se_nacl, struct zcit_params *out)
{
	struct se_session *se_sess;
	bool ret = false;

	spin_lock_bh(&se_nacl->nacl_sess_lock);
	se_sess = se_nacl->nacl_sess;
	if (se_sess && se_sess->fabric_sess_ptr) {
		struct zcit_sess *sess = se_sess->fabric_sess_ptr;

		*out = sess->shown;
		ret = true;
	}
	spin_unlock_bh(&se_nacl->nacl_sess_lock);
	return ret;
}

/*
 * The sessions of @tpg registered with ACL @acl have all left the TPG
 * (zcit_sess_end() is over for each); if not, and @who is set, log the
 * commands LIO core still holds for them.
 */
static bool zcit_acl_sessions_ended(struct zcit_tpg *tpg,
				    const struct se_node_acl *acl,
				    const char *who)
{
	struct zcit_sess *sess;
	struct zcit_conn *conn;
	bool ended = true;

	spin_lock_bh(&tpg->conn_lock);
	list_for_each_entry(sess, &tpg->sessions, node) {
		if (sess->acl != acl)
			continue;
		ended = false;
		if (!who)
			break;
		spin_lock(&sess->lock);
		list_for_each_entry(conn, &sess->conns, sess_node)
			zcit_cmd_report_held(conn, who);
		spin_unlock(&sess->lock);
	}
	spin_unlock_bh(&tpg->conn_lock);
	return ended;
}

/*
 * Wait for the closed sessions of an ACL being deleted to end, saying
 * every few seconds which commands LIO core still holds for them (a slow
 * backend).  LIO core would wait the same time for them next,
 * uninterruptibly and silently, in the ACL's deletion.
 */
static void zcit_acl_wait_sessions(struct zcit_tpg *tpg,
				   const struct se_node_acl *acl)
{
	char who[ZCIT_ISCSI_NAME_MAX + 16];

	snprintf(who, sizeof(who), "%s tpgt %u", tpg->tiqn->name, tpg->tpgt);
	while (!wait_event_timeout(tpg->conn_wq,
				   zcit_acl_sessions_ended(tpg, acl, NULL),
				   ZCIT_HELD_REPORT_SECS * HZ))
		zcit_acl_sessions_ended(tpg, acl, who);
}

/**
 * zcit_close_session() - LIO asks to close a session
 * @se_sess: the session
 *
 * Its ACL is being deleted, or its cmdsn_depth changed.  LIO core calls
 * this for each session of the ACL in turn, each already off the ACL's
 * list.  For a deletion the last call waits for all of them to end
 * (bounded by the backend's commands, which it names in the log), so
 * that every session is closed at once; LIO core would wait as long
 * just after.
 */
void zcit_close_session(struct se_session *se_sess)
{
	struct zcit_sess *sess = se_sess->fabric_sess_ptr;
	struct se_node_acl *se_nacl = se_sess->se_node_acl;
	struct zcit_tpg *tpg = sess->tpg;
	/* LIO core takes an ACL it deletes off its TPG's list first. */
	bool acl_going = list_empty(&se_nacl->acl_list);
	bool last;

	/*
	 * LIO took the session off its ACL's list before calling: the
	 * session's end waits for this completion before freeing it, so
	 * @sess and @se_sess are ours until then.
	 */
	zcit_sess_close(sess, NULL);
	complete(&sess->lio_closed);
	if (!acl_going)
		return;
	/*
	 * zcit takes a session off that list only as it ends, and never
	 * stops one's command counter before: an empty list means LIO has
	 * no other session of the ACL to close.  The ACL and the TPG stay
	 * while LIO deletes the ACL.
	 */
	spin_lock_bh(&se_nacl->nacl_sess_lock);
	last = list_empty(&se_nacl->acl_sess_list);
	spin_unlock_bh(&se_nacl->nacl_sess_lock);
	if (last)
		zcit_acl_wait_sessions(tpg, se_nacl);
}

/**
 * zcit_sess_get_index() - LIO Session ID, for LIO core's statistics
 * @se_sess: the session
 *
 * Return: the ID.
 */
u32 zcit_sess_get_index(struct se_session *se_sess)
{
	struct zcit_sess *sess = se_sess->fabric_sess_ptr;

	return sess ? sess->sid : 0;
}

/**
 * zcit_sess_get_initiator_sid() - the ISID, for iSCSI TransportIDs
 * @se_sess: the session
 * @buf: where to write it
 * @size: size of @buf
 *
 * LIO core builds the persistent reservation TransportID of an iSCSI
 * initiator port as "<name>,i,0x<ISID>" (SPC-4 7.6.4.6) from this.
 *
 * Return: the length written, as snprintf().
 */
u32 zcit_sess_get_initiator_sid(struct se_session *se_sess, unsigned char *buf,
				u32 size)
{
	struct zcit_sess *sess = se_sess->fabric_sess_ptr;

	if (!sess)
		return 0;
	return snprintf(buf, size, "%6phN", sess->isid);
}
