// SPDX-License-Identifier: GPL-2.0
/*
 * zcit transport: a connection's timers, and the events its io work acts
 * on.
 *
 * A connection has two timers: the login timer (the first-PDU deadline,
 * then the login timeout, both counted from the accept) and, in Full
 * Feature Phase, the tick (idle and stalled-reader checks here, the rest
 * in &zcit_conn_ops.tick).  Like every other context, their handlers only
 * set an event bit and kick the io work, which acts on the bits in
 * zcit_conn_events().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/jiffies.h>
#include <linux/timer.h>
#include <scsi/iscsi_proto.h>
#include <zcit/conn.h>
#include <zcit/limits.h>
#include <zcit/trace.h>

/* Login timeout until the TPG is known (attrib/login_timeout default). */
#define ZCIT_LOGIN_TIMEOUT_DEF	15

static void zcit_tick(struct timer_list *t)
{
	struct zcit_conn *conn = from_timer(conn, t, tick_timer);

	set_bit(ZCIT_EV_TICK, &conn->events);
	zcit_conn_kick(conn);
}

static void zcit_login_timeout(struct timer_list *t)
{
	struct zcit_conn *conn = from_timer(conn, t, login_timer);

	set_bit(ZCIT_EV_LOGIN_TIMEOUT, &conn->events);
	zcit_conn_kick(conn);
}

/**
 * zcit_conn_timers_init() - set up the timers of a new connection
 * @conn: the connection, being allocated
 *
 * Their handlers only set an event bit and kick the io work.
 */
void zcit_conn_timers_init(struct zcit_conn *conn)
{
	timer_setup(&conn->tick_timer, zcit_tick, 0);
	timer_setup(&conn->login_timer, zcit_login_timeout, 0);
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
		zcit_conn_follow_cpu(conn);
		return true;
	}
	zcit_conn_fail(conn, why);
	return false;
}

/**
 * zcit_conn_events() - act on what timers and other contexts signalled
 * @conn: the connection, in its io work, not dead
 *
 * The &enum zcit_conn_event bits: an end (close, peer gone, login slot
 * taken back, login timeout) ends the connection; in Full Feature Phase,
 * the tick and a request to ask for a logout are handled.
 *
 * Return: false when the connection ended.
 */
bool zcit_conn_events(struct zcit_conn *conn)
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
