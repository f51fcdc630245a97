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
 * Login slots and the CPU choice are in admit.c; the timers, and the
 * events the io work acts on, in conn_timer.c.
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

static struct workqueue_struct *zcit_wq;
static const struct zcit_conn_ops *zcit_ops;
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
	if (from <= ZCIT_CONN_LOGIN && to > ZCIT_CONN_LOGIN)
		zcit_conn_admit_end(conn);
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
	if (conn) {
		/* For zcit_conn_follow_cpu(): where the softirq runs. */
		if (READ_ONCE(conn->rx_cpu) != raw_smp_processor_id())
			WRITE_ONCE(conn->rx_cpu, raw_smp_processor_id());
		zcit_conn_queue_io(conn);
	}
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
		conn->ops->ending(conn, why, w->text);
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
	zcit_conn_set_cpu(conn, WORK_CPU_UNBOUND);
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

	*logins = zcit_conn_nr_logins();
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
	conn->cpu = WORK_CPU_UNBOUND;
	conn->rx_cpu = -1;
	conn->rx_cpu_seen = -1;
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
	zcit_conn_timers_init(conn);
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
	zcit_conn_set_cpu(conn,
			  zcit_conn_pick_cpu(READ_ONCE(sk->sk_incoming_cpu)));
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
	if (!zcit_wq)
		return -ENOMEM;
	if (zcit_conn_cpu_init()) {
		destroy_workqueue(zcit_wq);
		return -ENOMEM;
	}
	return 0;
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
	zcit_conn_cpu_exit();
}
