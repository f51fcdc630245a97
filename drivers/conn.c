// SPDX-License-Identifier: GPL-2.0
/*
 * zcit transport: a connection's life.
 *
 * As in nvmet-tcp, a connection has no threads of its own: the socket's
 * callbacks queue one io work on the CPU the socket lives on, and that
 * work alternates budgeted, non-blocking receive (rx.c) and send (tx.c)
 * passes over resumable state machines.  Login runs in the same work, so
 * a slow or hostile peer never blocks the portal's accept path or another
 * login.
 *
 * A connection's state (&enum zcit_conn_state) changes in one function,
 * zcit_conn_set_state(); other contexts never change it: they set an
 * event bit and kick the io work.  Every end goes through one function,
 * zcit_conn_fail() (FreeBSD's icl_conn_fail() policy): log once, Reject
 * where the RFC asks, send what is queued where that makes sense, close.
 * Documentation/design.md has the state diagram and the lifetime rules.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/net.h>
#include <linux/wait.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <scsi/iscsi_proto.h>
#include <zcit/compat.h>
#include <zcit/conn.h>
#include <zcit/limits.h>
#include <zcit/names.h>
#include <zcit/trace.h>

/* Receive or send passes per run of the io work before it requeues. */
#define ZCIT_IO_BUDGET		16
/*
 * PDUs queued for sending before the io work stops reading: a peer that
 * sends requests but never reads the answers is throttled by TCP instead
 * of growing our queue.
 */
#define ZCIT_TX_MAX		64
/* Login timeout until the TPG is known (attrib/login_timeout default). */
#define ZCIT_LOGIN_TIMEOUT_DEF	15

static struct workqueue_struct *zcit_wq;
static const struct zcit_conn_ops *zcit_ops;
/*
 * Connections holding a login slot (max_logins), oldest first; a
 * connection leaves at the end of its login phase, or when its slot is
 * taken back (zcit_conn_admit()).
 */
static LIST_HEAD(zcit_login_conns);
static u32 zcit_nr_logins;
static DEFINE_SPINLOCK(zcit_login_lock);
/* Every connection, so that module unload can close them. */
static LIST_HEAD(zcit_conns);
static DEFINE_SPINLOCK(zcit_conns_lock);
static DECLARE_WAIT_QUEUE_HEAD(zcit_conns_wq);

/**
 * struct zcit_why - how a connection ends, by &enum zcit_conn_why
 * @text: for the log
 * @drain: send what is queued first
 * @reject: answer the PDU in rx_hdr with this Reject reason first, or 0
 */
struct zcit_why {
	const char *text;
	bool drain;
	u8 reject;
};

static const struct zcit_why zcit_whys[] = {
	[ZCIT_WHY_LOGOUT] = { "logout", true, 0 },
	[ZCIT_WHY_LOGIN_REFUSED] = { "login refused", true, 0 },
	[ZCIT_WHY_PROTOCOL] = { "protocol error", true,
				ISCSI_REASON_PROTOCOL_ERROR },
	[ZCIT_WHY_DATA_DIGEST] = { "data digest error", true,
				   ISCSI_REASON_DATA_DIGEST_ERROR },
	[ZCIT_WHY_BAD_PDU] = { "malformed PDU", false, 0 },
	[ZCIT_WHY_HDR_DIGEST] = { "header digest error", false, 0 },
	[ZCIT_WHY_PEER] = { "closed by the initiator", false, 0 },
	[ZCIT_WHY_SOCKET] = { "socket error", false, 0 },
	[ZCIT_WHY_NOMEM] = { "out of memory", false, 0 },
	[ZCIT_WHY_LOGIN_TIMEOUT] = { "login timed out", false, 0 },
	[ZCIT_WHY_NOPIN_TIMEOUT] = { "NOP-In unanswered", false, 0 },
	[ZCIT_WHY_DATAOUT_TIMEOUT] = { "Data-Out timed out", false, 0 },
	[ZCIT_WHY_TX_STALL] = { "initiator stopped reading", false, 0 },
	[ZCIT_WHY_CLOSED] = { "closed by the target", false, 0 },
	[ZCIT_WHY_EVICTED] = { "login slot taken back", false, 0 },
	[ZCIT_WHY_IDLE] = { "idle", false, 0 },
};

static const char *const zcit_state_names[] = {
	[ZCIT_CONN_ACCEPTED] = "accepted",
	[ZCIT_CONN_LOGIN] = "login",
	[ZCIT_CONN_FFP] = "ffp",
	[ZCIT_CONN_DRAINING] = "draining",
	[ZCIT_CONN_DEAD] = "dead",
};

/*
 * The io work runs only between the accept and the end: not before the
 * connection is complete, not once its release may have begun.
 */
static void zcit_conn_queue_io(struct zcit_conn *conn)
{
	enum zcit_conn_state s = zcit_conn_state(conn);

	if (s != ZCIT_CONN_ACCEPTED && s != ZCIT_CONN_DEAD)
		queue_work_on(READ_ONCE(conn->cpu), zcit_wq, &conn->io_work);
}

/*
 * The one place a connection's state changes: forward only (see the
 * diagram in Documentation/design.md).  Leaving the login phase gives
 * back its login slot.  @why: the &enum zcit_conn_why of an end, or -1
 * (for the zcit_conn_state tracepoint).  Return: false if @conn is there
 * or past already.
 */
static bool zcit_conn_set_state(struct zcit_conn *conn,
				enum zcit_conn_state to, int why)
{
	enum zcit_conn_state from;

	spin_lock_bh(&conn->state_lock);
	from = conn->state;
	if (to > from)
		WRITE_ONCE(conn->state, to);
	spin_unlock_bh(&conn->state_lock);
	if (to <= from)
		return false;
	if (from <= ZCIT_CONN_LOGIN && to > ZCIT_CONN_LOGIN) {
		spin_lock_bh(&zcit_login_lock);
		if (!list_empty(&conn->login_node)) {
			list_del_init(&conn->login_node);
			zcit_nr_logins--;
		}
		spin_unlock_bh(&zcit_login_lock);
	}
	pr_debug("%pISpc: %s -> %s\n", &conn->peer, zcit_state_names[from],
		 zcit_state_names[to]);
	trace_zcit_conn_state(conn, from, to, why);
	return true;
}

static void zcit_sock_data_ready(struct sock *sk)
{
	struct zcit_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn)
		zcit_conn_queue_io(conn);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void zcit_sock_write_space(struct sock *sk)
{
	struct zcit_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn && sk_stream_is_writeable(sk)) {
		clear_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		zcit_conn_queue_io(conn);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void zcit_sock_state_change(struct sock *sk)
{
	struct zcit_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn && sk->sk_state != TCP_ESTABLISHED) {
		set_bit(ZCIT_EV_PEER_CLOSED, &conn->events);
		zcit_conn_queue_io(conn);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void zcit_conn_set_callbacks(struct zcit_conn *conn, bool install)
{
	struct sock *sk = conn->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	if (install) {
		sk->sk_user_data = conn;
		conn->saved_data_ready = sk->sk_data_ready;
		conn->saved_write_space = sk->sk_write_space;
		conn->saved_state_change = sk->sk_state_change;
		sk->sk_data_ready = zcit_sock_data_ready;
		sk->sk_write_space = zcit_sock_write_space;
		sk->sk_state_change = zcit_sock_state_change;
	} else if (sk->sk_user_data == conn) {
		sk->sk_user_data = NULL;
		sk->sk_data_ready = conn->saved_data_ready;
		sk->sk_write_space = conn->saved_write_space;
		sk->sk_state_change = conn->saved_state_change;
	}
	write_unlock_bh(&sk->sk_callback_lock);
}

/**
 * zcit_conn_fail() - end a connection
 * @conn: the connection, in its io work
 * @why: why; says whether a Reject of the PDU in rx_hdr goes first and
 *	whether what is queued is sent before the close
 *
 * The only way a connection ends.  Logged once, at the first call; a
 * draining connection that fails again is closed at once.
 */
void zcit_conn_fail(struct zcit_conn *conn, enum zcit_conn_why why)
{
	const struct zcit_why *w = &zcit_whys[why];
	enum zcit_conn_state s = zcit_conn_state(conn);

	if (s == ZCIT_CONN_DEAD)
		return;
	if (s < ZCIT_CONN_DRAINING) {
		pr_debug("%pISpc: closing: %s\n", &conn->peer, w->text);
		conn->why = why;
		zcit_stat_conn_end(conn, why, w->text);
	}
	if (w->reject && s < ZCIT_CONN_DRAINING &&
	    conn->ops->reject(conn, w->reject))
		w = &zcit_whys[ZCIT_WHY_NOMEM];
	if (why == ZCIT_WHY_CLOSED && s == ZCIT_CONN_FFP &&
	    test_bit(ZCIT_EV_DROP_NOTICE, &conn->events))
		conn->ops->drop_notice(conn);
	if (w->drain &&
	    zcit_conn_set_state(conn, ZCIT_CONN_DRAINING, w - zcit_whys))
		return;
	/* Dead: no callback, timer or kick queues the io work any more. */
	zcit_conn_set_state(conn, ZCIT_CONN_DEAD, w - zcit_whys);
	zcit_conn_set_callbacks(conn, false);
	kernel_sock_shutdown(conn->sock, SHUT_RDWR);
	queue_work(zcit_wq, &conn->release_work);
}

/**
 * zcit_conn_get() - take a reference (a command of the connection)
 * @conn: the connection
 */
void zcit_conn_get(struct zcit_conn *conn)
{
	kref_get(&conn->ref);
}

static void zcit_conn_last_ref(struct kref *ref)
{
	struct zcit_conn *conn = container_of(ref, struct zcit_conn, ref);

	/* Any context (LIO releases commands from its completions). */
	queue_work(zcit_wq, &conn->free_work);
}

/**
 * zcit_conn_put() - drop a reference
 * @conn: the connection, freed asynchronously after the last one
 */
void zcit_conn_put(struct zcit_conn *conn)
{
	kref_put(&conn->ref, zcit_conn_last_ref);
}

/*
 * The connection is dead: stop its io work and timers, let go of what its
 * commands wait for, and drop its own reference.  Queued again by
 * zcit_conn_post() whenever LIO hands back a command of a dead connection.
 */
static void zcit_conn_release(struct work_struct *work)
{
	struct zcit_conn *conn =
		container_of(work, struct zcit_conn, release_work);
	/* A work item never runs concurrently with itself. */
	bool first = !conn->released;

	conn->released = true;
	if (first) {
		/* The timers may queue the io work: stop them first. */
		del_timer_sync(&conn->login_timer);
		del_timer_sync(&conn->tick_timer);
		cancel_work_sync(&conn->io_work);
	}
	conn->ops->drain(conn);
	if (first)
		zcit_conn_put(conn);
}

/* The last reference is gone: no command is left. */
static void zcit_conn_free(struct work_struct *work)
{
	struct zcit_conn *conn = container_of(work, struct zcit_conn, free_work);

	/* Leaves its session and TPG; may end the session. */
	conn->ops->release(conn);
	spin_lock_bh(&zcit_conns_lock);
	list_del(&conn->node);
	spin_unlock_bh(&zcit_conns_lock);
	/*
	 * Off every list: nobody can reach it any more.  A list walker may
	 * have kicked it before that (a no-op run, but it must be over).
	 */
	cancel_work_sync(&conn->io_work);
	flush_work(&conn->release_work);
	zcit_conn_tx_free(conn);
	if (conn->scratch)
		__free_page(conn->scratch);
	kvfree(conn->rx_data);
	/*
	 * Data TCP could not even send (the peer stopped reading: a zero
	 * window) would keep the orphaned socket, its buffers and the peer's
	 * connection for minutes of retries: reset it instead.  Data sent
	 * and not yet acknowledged (a Logout Response) gets its normal FIN.
	 */
	if (!tcp_write_queue_empty(conn->sock->sk))
		sock_no_linger(conn->sock->sk);
	sock_release(conn->sock);
	pr_debug("connection from %pISpc closed\n", &conn->peer);
	kfree(conn);
	wake_up_all(&zcit_conns_wq);
}

/**
 * zcit_conn_each() - call a function for every connection
 * @fn: the function; it runs in atomic context (under zcit_conns_lock)
 *	and may read what is set before Full Feature Phase, @conn->sess and
 *	its immutable fields, and the counters
 * @arg: its argument
 *
 * Each connection is held by a reference while @fn runs, so its session
 * (left only in zcit_conn_free()) stays too.  Connections whose last
 * reference is gone are skipped.
 */
void zcit_conn_each(void (*fn)(struct zcit_conn *conn, void *arg), void *arg)
{
	struct zcit_conn *conn;

	spin_lock_bh(&zcit_conns_lock);
	list_for_each_entry(conn, &zcit_conns, node) {
		if (!kref_get_unless_zero(&conn->ref))
			continue;
		fn(conn, arg);
		zcit_conn_put(conn);
	}
	spin_unlock_bh(&zcit_conns_lock);
}

/**
 * zcit_conn_in_use() - connections not yet freed
 * @logins: set to how many of them hold a login slot
 *
 * Return: the number of connections, in every state.
 */
u32 zcit_conn_in_use(u32 *logins)
{
	struct zcit_conn *conn;
	u32 n = 0;

	spin_lock_bh(&zcit_login_lock);
	*logins = zcit_nr_logins;
	spin_unlock_bh(&zcit_login_lock);
	spin_lock_bh(&zcit_conns_lock);
	list_for_each_entry(conn, &zcit_conns, node)
		n++;
	spin_unlock_bh(&zcit_conns_lock);
	return n;
}

/**
 * zcit_conn_state_name() - a connection state in words
 * @state: the state
 *
 * Return: "accepted", "login", "ffp", "draining" or "dead".
 */
const char *zcit_conn_state_name(enum zcit_conn_state state)
{
	return state < ARRAY_SIZE(zcit_state_names) ? zcit_state_names[state] :
	       "?";
}

/**
 * zcit_conn_kick() - have the io work of a connection run
 * @conn: the connection; the caller keeps it alive
 */
void zcit_conn_kick(struct zcit_conn *conn)
{
	zcit_conn_queue_io(conn);
}

/**
 * zcit_conn_close() - have a connection closed by its io work
 * @conn: the connection
 *
 * Any context; the caller keeps @conn alive (holds a list lock it is on).
 */
void zcit_conn_close(struct zcit_conn *conn)
{
	set_bit(ZCIT_EV_CLOSE, &conn->events);
	zcit_conn_queue_io(conn);
}

/**
 * zcit_conn_drop() - zcit_conn_close(), telling the initiator first
 * @conn: the connection
 *
 * For a teardown the initiator did not ask for (a TPG disabled, a portal
 * removed): in Full Feature Phase the io work sends AsyncEvent 3 or 2
 * (&zcit_conn_ops.drop_notice) before it closes.  Not for a session the
 * initiator itself replaces (reinstatement).  Any context; the caller
 * keeps @conn alive.
 */
void zcit_conn_drop(struct zcit_conn *conn)
{
	set_bit(ZCIT_EV_DROP_NOTICE, &conn->events);
	zcit_conn_close(conn);
}

/**
 * zcit_conn_ask_logout() - have the initiator asked to log out
 * @conn: the connection; the caller keeps it alive
 *
 * Any context.  Only a connection in Full Feature Phase asks.
 */
void zcit_conn_ask_logout(struct zcit_conn *conn)
{
	set_bit(ZCIT_EV_ASK_LOGOUT, &conn->events);
	zcit_conn_queue_io(conn);
}

/**
 * zcit_conn_post() - hand the io work a command LIO is done with for now
 * @conn: the connection; the command holds a reference
 * @box: which list
 * @node: the command's node for it
 *
 * Any context.  Posted from the connection's own io work (LIO answering
 * within target_submit()), no requeue is needed: the io work takes its
 * inboxes in again before it stops.  On a dead connection, the release
 * work takes it.
 */
void zcit_conn_post(struct zcit_conn *conn, enum zcit_conn_inbox box,
		    struct llist_node *node)
{
	/* Fully ordered: the state is read after the node is visible. */
	llist_add(node, &conn->inbox[box]);
	if (zcit_conn_state(conn) == ZCIT_CONN_DEAD)
		queue_work(zcit_wq, &conn->release_work);
	else if (current_work() != &conn->io_work)
		zcit_conn_queue_io(conn);
}

static void zcit_tick(struct timer_list *t)
{
	struct zcit_conn *conn = from_timer(conn, t, tick_timer);

	set_bit(ZCIT_EV_TICK, &conn->events);
	zcit_conn_queue_io(conn);
}

static void zcit_login_timeout(struct timer_list *t)
{
	struct zcit_conn *conn = from_timer(conn, t, login_timer);

	set_bit(ZCIT_EV_LOGIN_TIMEOUT, &conn->events);
	zcit_conn_queue_io(conn);
}

/**
 * zcit_conn_arm_tick() - (re)start the tick timer
 * @conn: the connection, in its io work, in Full Feature Phase
 * @delay: jiffies from now
 */
void zcit_conn_arm_tick(struct zcit_conn *conn, unsigned long delay)
{
	mod_timer(&conn->tick_timer, jiffies + delay);
}

/**
 * zcit_conn_set_login_timeout() - apply the TPG's attrib/login_timeout
 * @conn: a connection logging in, in its io work
 * @seconds: the timeout, counted from the accept
 */
void zcit_conn_set_login_timeout(struct zcit_conn *conn, u32 seconds)
{
	if (zcit_conn_state(conn) == ZCIT_CONN_LOGIN)
		mod_timer(&conn->login_timer,
			  conn->accepted + (unsigned long)seconds * HZ);
}

/**
 * zcit_conn_set_idle_timeout() - close the connection once it is idle
 * @conn: a connection logging in, in its io work
 * @delay: jiffies without a PDU from the initiator, from Full Feature
 *	Phase on (for sessions that get no NOP-In pings: discovery)
 */
void zcit_conn_set_idle_timeout(struct zcit_conn *conn, unsigned long delay)
{
	conn->idle_timeout = delay;
}

/**
 * zcit_conn_login_progress() - a whole PDU came in during login
 * @conn: the connection, in its io work
 *
 * The first one ends the first-PDU deadline (first_pdu_timeout) and
 * starts the login timeout (until the TPG is known, its default; then
 * the TPG's, zcit_conn_set_login_timeout()), both counted from the
 * accept.  From now on the connection's login slot is not taken back.
 */
void zcit_conn_login_progress(struct zcit_conn *conn)
{
	if (conn->login_started)
		return;
	WRITE_ONCE(conn->login_started, true);
	mod_timer(&conn->login_timer,
		  conn->accepted + ZCIT_LOGIN_TIMEOUT_DEF * HZ);
}

/**
 * zcit_conn_enter_ffp() - the login is done (RFC 7143 6.3.6)
 * @conn: the connection, in its io work, its negotiated values set
 */
void zcit_conn_enter_ffp(struct zcit_conn *conn)
{
	/* The handler only sets a bit and kicks us: no deadlock. */
	del_timer_sync(&conn->login_timer);
	clear_bit(ZCIT_EV_LOGIN_TIMEOUT, &conn->events);
	zcit_conn_set_state(conn, ZCIT_CONN_FFP, -1);
	conn->last_rx = jiffies;
	conn->last_tx = jiffies;
	zcit_conn_arm_tick(conn, ZCIT_TICK);
}

/* The tick in Full Feature Phase.  Return: false when the connection ended. */
static bool zcit_conn_tick(struct zcit_conn *conn)
{
	enum zcit_conn_why why;

	/*
	 * A discovery session idle too long; a peer that sends requests but
	 * reads no answers, which would keep their buffers (READ data, pinned
	 * pages) for as long as it likes, the requests it sends meanwhile
	 * keeping it from looking idle.
	 */
	if (conn->idle_timeout &&
	    time_after(jiffies, conn->last_rx + conn->idle_timeout)) {
		zcit_hit(ZCIT_HIT_DISC_IDLE, &conn->peer, " (%u s)",
			 jiffies_to_msecs(conn->idle_timeout) / 1000);
		trace_zcit_timeout(conn, ZCIT_TO_IDLE,
				   jiffies_to_msecs(jiffies - conn->last_rx),
				   ISCSI_RESERVED_TAG);
		why = ZCIT_WHY_IDLE;
	} else if (time_after(jiffies, conn->last_tx + zcit_limits.tx_stall * HZ)) {
		pr_info_ratelimited("%pISpc: nothing sent for %u s, the initiator does not read: closing\n",
				    &conn->peer, zcit_limits.tx_stall);
		trace_zcit_timeout(conn, ZCIT_TO_TX_STALL,
				   jiffies_to_msecs(jiffies - conn->last_tx),
				   ISCSI_RESERVED_TAG);
		why = ZCIT_WHY_TX_STALL;
	} else if (conn->ops->tick(conn, &why)) {
		return true;
	}
	zcit_conn_fail(conn, why);
	return false;
}

/* Events from other contexts.  Return: false when the connection ended. */
static bool zcit_conn_events(struct zcit_conn *conn)
{
	if (test_bit(ZCIT_EV_CLOSE, &conn->events)) {
		zcit_conn_fail(conn, ZCIT_WHY_CLOSED);
		return false;
	}
	if (test_bit(ZCIT_EV_PEER_CLOSED, &conn->events)) {
		zcit_conn_fail(conn, ZCIT_WHY_PEER);
		return false;
	}
	if (test_bit(ZCIT_EV_EVICT, &conn->events)) {
		zcit_conn_fail(conn, ZCIT_WHY_EVICTED);
		return false;
	}
	if (test_bit(ZCIT_EV_LOGIN_TIMEOUT, &conn->events)) {
		const struct zcit_login *l = conn->login;
		bool named = l && l->started;

		zcit_hit(conn->login_started ? ZCIT_HIT_LOGIN_TIMEOUT :
			 ZCIT_HIT_FIRST_PDU, &conn->peer, " (%u ms)%s%s%s%s",
			 jiffies_to_msecs(jiffies - conn->accepted),
			 named ? ": " : "", named ? l->initiator_name : "",
			 named ? " to " : "",
			 named ? (l->discovery ? "discovery" : l->target_name) :
			 "");
		trace_zcit_timeout(conn, conn->login_started ? ZCIT_TO_LOGIN :
				   ZCIT_TO_FIRST_PDU,
				   jiffies_to_msecs(jiffies - conn->accepted),
				   ISCSI_RESERVED_TAG);
		zcit_conn_fail(conn, ZCIT_WHY_LOGIN_TIMEOUT);
		return false;
	}
	if (zcit_conn_state(conn) != ZCIT_CONN_FFP)
		return true;
	if (test_and_clear_bit(ZCIT_EV_TICK, &conn->events) &&
	    !zcit_conn_tick(conn))
		return false;
	if (test_and_clear_bit(ZCIT_EV_ASK_LOGOUT, &conn->events))
		conn->ops->ask_logout(conn);
	return true;
}

static enum zcit_conn_why zcit_conn_errno_why(int err)
{
	switch (err) {
	case -ECONNRESET:
	case -EPIPE:
		return ZCIT_WHY_PEER;
	case -ENOMEM:
		return ZCIT_WHY_NOMEM;
	case -EBADMSG:
		return ZCIT_WHY_HDR_DIGEST;
	case -EPROTO:
		return ZCIT_WHY_BAD_PDU;
	default:
		return ZCIT_WHY_SOCKET;
	}
}

static void zcit_conn_io_work(struct work_struct *work)
{
	struct zcit_conn *conn = container_of(work, struct zcit_conn, io_work);
	int budget = ZCIT_IO_BUDGET;
	int rx, tx;

	if (zcit_conn_state(conn) == ZCIT_CONN_DEAD || !zcit_conn_events(conn))
		return;
	do {
		conn->ops->take(conn);
		rx = 0;
		if (zcit_conn_state(conn) < ZCIT_CONN_DRAINING &&
		    conn->tx_queued < ZCIT_TX_MAX) {
			rx = zcit_conn_try_recv(conn);
			if (rx == -ECANCELED) {
				/* A Reject and a drain, or a close now. */
				zcit_conn_fail(conn, conn->rx_fail);
				if (zcit_conn_state(conn) == ZCIT_CONN_DEAD)
					return;
				rx = 1;
			} else if (rx < 0) {
				goto fail;
			}
		}
		tx = zcit_conn_try_send(conn);
		if (tx < 0)
			goto fail;
		if (tx || !zcit_conn_tx_pending(conn))
			conn->last_tx = jiffies;
		if (zcit_conn_state(conn) == ZCIT_CONN_DRAINING &&
		    list_empty(&conn->tx_list) && !conn->txp.total) {
			/* Drained: it ends for the reason it began to. */
			zcit_conn_fail(conn, conn->why);
			return;
		}
	} while ((rx || tx) && --budget);
	if (!budget)
		zcit_conn_queue_io(conn);
	return;
fail:
	rx = rx < 0 ? rx : tx;
	if (rx != -ECONNRESET)
		pr_debug("%pISpc: closing after error %d\n", &conn->peer, rx);
	zcit_conn_fail(conn, zcit_conn_errno_why(rx));
}

static struct zcit_conn *zcit_conn_alloc(struct socket *sock,
					 const struct sockaddr_storage *listen)
{
	struct zcit_conn *conn;
	int i;

	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!conn)
		return NULL;
	conn->ops = zcit_ops;
	kref_init(&conn->ref);
	spin_lock_init(&conn->state_lock);
	conn->state = ZCIT_CONN_ACCEPTED;
	conn->sock = sock;
	conn->listen = *listen;
	INIT_LIST_HEAD(&conn->node);
	INIT_LIST_HEAD(&conn->login_node);
	INIT_LIST_HEAD(&conn->tx_list);
	INIT_LIST_HEAD(&conn->rx_cmds);
	INIT_LIST_HEAD(&conn->tx_cmds);
	INIT_LIST_HEAD(&conn->ooo);
	INIT_LIST_HEAD(&conn->tpg_node);
	INIT_LIST_HEAD(&conn->sess_node);
	for (i = 0; i < ZCIT_NR_INBOXES; i++)
		init_llist_head(&conn->inbox[i]);
	INIT_WORK(&conn->io_work, zcit_conn_io_work);
	INIT_WORK(&conn->release_work, zcit_conn_release);
	INIT_WORK(&conn->free_work, zcit_conn_free);
	timer_setup(&conn->tick_timer, zcit_tick, 0);
	timer_setup(&conn->login_timer, zcit_login_timeout, 0);
	conn->rx_need = ZCIT_BHS_LEN;
	conn->max_recv_dsl = ZCIT_TEXT_PDU_MAX;
	conn->max_xmit_dsl = ZCIT_TEXT_PDU_MAX;
	conn->scratch = alloc_page(GFP_KERNEL);
	if (!conn->scratch ||
	    kernel_getsockname(sock, (struct sockaddr *)&conn->local) < 0 ||
	    kernel_getpeername(sock, (struct sockaddr *)&conn->peer) < 0)
		goto err;
	/* Through a dual-stack [::] portal, IPv4 shows as ::ffff:a.b.c.d. */
	zcit_sockaddr_unmap(&conn->local);
	zcit_sockaddr_unmap(&conn->peer);
	if (conn->ops->start(conn))
		goto err;
	return conn;

err:
	if (conn->scratch)
		__free_page(conn->scratch);
	kfree(conn);
	return NULL;
}

/* A connection refused at accept: never reachable, nothing started. */
static void zcit_conn_discard(struct zcit_conn *conn)
{
	conn->ops->release(conn);
	__free_page(conn->scratch);
	kfree(conn);
}

/*
 * Give a new connection a login slot, or say which bound refuses it
 * (ZCIT_NR_HITS: none).  At most max_logins connections may be logging
 * in, at most max_logins_per_host of them from one host.
 *
 * When every slot is taken, the oldest connection that has not sent a
 * whole Login request yet loses its slot to the new one.  An initiator
 * sends its first request right after connecting, so such a connection
 * is almost always a host holding sockets open for nothing: it made no
 * progress, and taking its slot costs an honest host at most a reconnect.
 * A connection that did send a request is never evicted; those are
 * bounded per host and by the login timeout, so a flood from one host
 * leaves the other max_logins - max_logins_per_host slots to the rest,
 * and a flood of silent sockets from many hosts only ever delays a login
 * by its reconnect.  (Evicting from the host holding the most slots would
 * need per-host accounting for little gain over the per-host bound.)
 */
static enum zcit_hit zcit_conn_admit(struct zcit_conn *conn)
{
	struct zcit_conn *c, *victim = NULL;
	enum zcit_hit hit = ZCIT_NR_HITS;
	u32 same = 0;

	spin_lock_bh(&zcit_login_lock);
	list_for_each_entry(c, &zcit_login_conns, login_node) {
		if (zcit_same_host(&c->peer, &conn->peer))
			same++;
		if (!victim && !READ_ONCE(c->login_started))
			victim = c;
	}
	if (same >= zcit_limits.max_logins_per_host) {
		hit = ZCIT_HIT_LOGINS_HOST;
		goto out;
	}
	if (zcit_nr_logins >= zcit_limits.max_logins) {
		if (!victim) {
			hit = ZCIT_HIT_LOGINS_FULL;
			goto out;
		}
		/* On the list, so not freed yet: see zcit_conn_set_state(). */
		list_del_init(&victim->login_node);
		zcit_nr_logins--;
		set_bit(ZCIT_EV_EVICT, &victim->events);
		zcit_conn_queue_io(victim);
		zcit_hit(ZCIT_HIT_LOGIN_EVICTED, &victim->peer,
			 " (for %pISc)", &conn->peer);
	}
	list_add_tail(&conn->login_node, &zcit_login_conns);
	zcit_nr_logins++;
out:
	spin_unlock_bh(&zcit_login_lock);
	return hit;
}

/**
 * zcit_conn_pick_cpu() - the CPU a connection's io work runs on
 * @cpu: the CPU its packets arrive on (sk_incoming_cpu), or -1
 *
 * That CPU when it is online and in cpus_allowed_list; otherwise one of
 * the allowed online CPUs, in turn; WORK_CPU_UNBOUND when none is online.
 *
 * Return: the CPU, or WORK_CPU_UNBOUND.
 */
int zcit_conn_pick_cpu(int cpu)
{
	const struct cpumask *allowed = zcit_global.allowed_cpus;
	unsigned int c;

	if (cpu >= 0 && cpu < nr_cpu_ids && cpu_online(cpu) &&
	    cpumask_test_cpu(cpu, allowed))
		return cpu;
	c = cpumask_any_and_distribute(allowed, cpu_online_mask);
	return c < nr_cpu_ids ? c : WORK_CPU_UNBOUND;
}

/* zcit_conn_each(): a connection outside the new cpus_allowed_list moves. */
static void zcit_conn_recheck_cpu(struct zcit_conn *conn, void *arg)
{
	int cpu = READ_ONCE(conn->cpu);

	if (cpu == WORK_CPU_UNBOUND ||
	    !cpumask_test_cpu(cpu, zcit_global.allowed_cpus))
		WRITE_ONCE(conn->cpu, zcit_conn_pick_cpu(-1));
}

/**
 * zcit_conn_cpus_changed() - cpus_allowed_list changed: move the io work of
 *	the connections running outside it
 *
 * A work item never runs on two CPUs at once, so the next queueing simply
 * goes to the new CPU.  Commands already with LIO complete where they were
 * submitted to.
 */
void zcit_conn_cpus_changed(void)
{
	zcit_conn_each(zcit_conn_recheck_cpu, NULL);
}

/**
 * zcit_conn_accept() - start the login of a new connection
 * @sock: the accepted socket, now owned by zcit
 * @listen: address of the portal it came in through
 *
 * Called from the portal's accept work; never blocks on the peer.  The
 * connection is on the list of every connection before its socket can
 * reach it, and its io work runs only once it is complete.
 */
void zcit_conn_accept(struct socket *sock, const struct sockaddr_storage *listen)
{
	struct sock *sk = sock->sk;
	struct zcit_conn *conn;
	enum zcit_hit hit;

	conn = zcit_conn_alloc(sock, listen);
	if (!conn)
		goto err;
	hit = zcit_conn_admit(conn);
	if (hit != ZCIT_NR_HITS) {
		zcit_hit(hit, &conn->peer, " (%u)", zcit_hit_limit(hit));
		zcit_conn_discard(conn);
		goto err;
	}
	conn->cpu = zcit_conn_pick_cpu(READ_ONCE(sk->sk_incoming_cpu));
	tcp_sock_set_nodelay(sk);
	conn->accepted = jiffies;
	/* Until a whole first request is in: zcit_conn_login_progress(). */
	mod_timer(&conn->login_timer, jiffies + zcit_limits.first_pdu_timeout);

	spin_lock_bh(&zcit_conns_lock);
	list_add_tail(&conn->node, &zcit_conns);
	spin_unlock_bh(&zcit_conns_lock);
	zcit_conn_set_callbacks(conn, true);
	zcit_conn_set_state(conn, ZCIT_CONN_LOGIN, -1);
	pr_debug("connection from %pISpc to %pISpc\n", &conn->peer,
		 &conn->local);
	/* Data may have arrived before the callbacks were in place. */
	zcit_conn_queue_io(conn);
	return;

err:
	kernel_sock_shutdown(sock, SHUT_RDWR);
	sock_release(sock);
}

/**
 * zcit_conn_init() - set up the transport
 * @ops: the protocol actions every connection gets
 *
 * Return: 0 or -ENOMEM.
 */
int zcit_conn_init(const struct zcit_conn_ops *ops)
{
	zcit_ops = ops;
	/*
	 * Not WQ_HIGHPRI (as nvmet-tcp is): a high-priority io work preempts
	 * a sender on the same CPU at every segment it sends, and reads each
	 * PDU piecemeal.  With the initiator on the same machine, 128 KiB
	 * writes ran at half the throughput and twice the CPU per I/O.
	 */
	zcit_wq = alloc_workqueue("zcit_io", WQ_MEM_RECLAIM, 0);
	return zcit_wq ? 0 : -ENOMEM;
}

/**
 * zcit_conn_exit() - close every connection left and tear down
 *
 * Normal sessions are gone already (their TPGs were removed); what may be
 * left are logins in progress and discovery sessions.
 */
void zcit_conn_exit(void)
{
	struct zcit_conn *conn;

	spin_lock_bh(&zcit_conns_lock);
	list_for_each_entry(conn, &zcit_conns, node)
		zcit_conn_close(conn);
	spin_unlock_bh(&zcit_conns_lock);
	wait_event(zcit_conns_wq, list_empty_careful(&zcit_conns));
	destroy_workqueue(zcit_wq);
}
