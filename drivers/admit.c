// SPDX-License-Identifier: GPL-2.0
/*
 * zcit transport: where a new connection may go.
 *
 * Whether it may log in at all: the module-wide login slots (max_logins,
 * max_logins_per_host), taken at accept (zcit_conn_admit()) and given
 * back when the connection leaves the login phase (zcit_conn_admit_end(),
 * from zcit_conn_set_state()).  And the CPU its io work runs on, within
 * cpus_allowed_list: the least busy, preferring the one its packets
 * arrive on (zcit_conn_pick_cpu()), then where its data arrives
 * (zcit_conn_follow_cpu()).
 */
#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <zcit/conn.h>
#include <zcit/limits.h>

/*
 * Connections holding a login slot (max_logins), oldest first; a
 * connection leaves at the end of its login phase, or when its slot is
 * taken back (zcit_conn_admit()).
 */
static LIST_HEAD(zcit_login_conns);
static u32 zcit_nr_logins;
static DEFINE_SPINLOCK(zcit_login_lock);

/**
 * zcit_conn_admit() - give a new connection a login slot
 * @conn: the connection, complete but on no list yet
 *
 * At most max_logins connections may be logging in, at most
 * max_logins_per_host of them from one host.
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
 *
 * Return: the bound that refuses @conn, or ZCIT_NR_HITS when it has its
 * slot.
 */
enum zcit_hit zcit_conn_admit(struct zcit_conn *conn)
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
		/* On the list, so not freed yet: see zcit_conn_admit_end(). */
		list_del_init(&victim->login_node);
		zcit_nr_logins--;
		set_bit(ZCIT_EV_EVICT, &victim->events);
		zcit_conn_kick(victim);
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
 * zcit_conn_admit_end() - give back a connection's login slot
 * @conn: a connection leaving the login phase
 *
 * Called by zcit_conn_set_state(), before the connection can be freed.
 * Nothing to do for a connection whose slot was taken back.
 */
void zcit_conn_admit_end(struct zcit_conn *conn)
{
	spin_lock_bh(&zcit_login_lock);
	if (!list_empty(&conn->login_node)) {
		list_del_init(&conn->login_node);
		zcit_nr_logins--;
	}
	spin_unlock_bh(&zcit_login_lock);
}

/**
 * zcit_conn_nr_logins() - how many connections hold a login slot
 *
 * Return: their number, now.
 */
u32 zcit_conn_nr_logins(void)
{
	u32 n;

	spin_lock_bh(&zcit_login_lock);
	n = zcit_nr_logins;
	spin_unlock_bh(&zcit_login_lock);
	return n;
}

/*
 * How many connections' io work each CPU runs (indexed by CPU, nr_cpu_ids
 * entries): changed only by zcit_conn_set_cpu(), read without a lock (a
 * placement hint, exact once the writers are done).
 */
static atomic_t *zcit_cpu_conns;

/**
 * zcit_conn_cpu_init() - set up the per-CPU connection counts
 *
 * Return: 0 or -ENOMEM.
 */
int zcit_conn_cpu_init(void)
{
	zcit_cpu_conns = kcalloc(nr_cpu_ids, sizeof(*zcit_cpu_conns),
				 GFP_KERNEL);
	return zcit_cpu_conns ? 0 : -ENOMEM;
}

/**
 * zcit_conn_cpu_exit() - free them, once every connection is gone
 */
void zcit_conn_cpu_exit(void)
{
	kfree(zcit_cpu_conns);
	zcit_cpu_conns = NULL;
}

static bool zcit_cpu_counted(int cpu)
{
	return cpu >= 0 && cpu < nr_cpu_ids;
}

static bool zcit_cpu_usable(int cpu)
{
	return zcit_cpu_counted(cpu) && cpu_online(cpu) &&
	       cpumask_test_cpu(cpu, zcit_global.allowed_cpus);
}

/* Any allowed online CPU, in turn; WORK_CPU_UNBOUND when none is. */
static int zcit_conn_any_cpu(void)
{
	unsigned int c;

	c = cpumask_any_and_distribute(zcit_global.allowed_cpus,
				       cpu_online_mask);
	return c < nr_cpu_ids ? c : WORK_CPU_UNBOUND;
}

/**
 * zcit_conn_set_cpu() - where a connection's io work runs from now on
 * @conn: the connection
 * @cpu: a CPU, or WORK_CPU_UNBOUND (also when it is freed)
 *
 * Any context.  A work item never runs on two CPUs at once, so the next
 * queueing simply goes to the new CPU.  Commands already with LIO
 * complete where they were submitted to.
 */
void zcit_conn_set_cpu(struct zcit_conn *conn, int cpu)
{
	int old = xchg(&conn->cpu, cpu);

	if (old == cpu)
		return;
	if (zcit_cpu_counted(old))
		atomic_dec(&zcit_cpu_conns[old]);
	if (zcit_cpu_counted(cpu))
		atomic_inc(&zcit_cpu_conns[cpu]);
}

/**
 * zcit_conn_pick_cpu() - the CPU a new connection's io work runs on
 * @cpu: the CPU its packets arrive on (sk_incoming_cpu), or -1
 *
 * Of the online CPUs in cpus_allowed_list, one running the fewest
 * connections' io work: @cpu when it is one of them, so that the io
 * work shares its caches with the softirq receiving the packets, as
 * nvmet-tcp's does.  Following sk_incoming_cpu alone put every
 * connection on one CPU whenever every packet arrives on one CPU
 * (loopback, a NIC with one queue, one initiator process pinned to a
 * CPU), where iscsi_target_mod spreads its connection threads over the
 * CPUs.
 *
 * Return: the CPU, or WORK_CPU_UNBOUND when no allowed CPU is online.
 */
int zcit_conn_pick_cpu(int cpu)
{
	int best = -1, c;

	if (!zcit_cpu_usable(cpu))
		cpu = -1;
	for_each_cpu_and(c, zcit_global.allowed_cpus, cpu_online_mask)
		if (best < 0 || atomic_read(&zcit_cpu_conns[c]) <
				atomic_read(&zcit_cpu_conns[best]))
			best = c;
	if (cpu >= 0 && best >= 0 && atomic_read(&zcit_cpu_conns[cpu]) ==
				     atomic_read(&zcit_cpu_conns[best]))
		best = cpu;
	return best >= 0 ? best : WORK_CPU_UNBOUND;
}

/**
 * zcit_conn_follow_cpu() - move the io work to where the data arrives
 * @conn: a connection in Full Feature Phase, in its io work (its tick)
 *
 * The CPU chosen at accept is where the handshake arrived: often not
 * where the initiator's data will (its login ran in a user-space daemon,
 * its I/O comes from the kernel's own threads, and over loopback a
 * packet is received on the CPU that sent it).  An io work on another
 * CPU than the softirq that wakes it costs an inter-processor wake-up
 * and a cache miss per PDU: with one open-iscsi session over loopback,
 * a QD1 READ took 650 us instead of 540 us.  So, as nvmet-tcp follows
 * sk_incoming_cpu at every queueing, the io work moves to the CPU the
 * data came in on at two ticks in a row, if that CPU is allowed and
 * running no more connections than this one's CPU without it (the
 * spread of zcit_conn_pick_cpu() never gets worse).  A connection
 * outside cpus_allowed_list (changed since) moves too.
 */
void zcit_conn_follow_cpu(struct zcit_conn *conn)
{
	int cur = READ_ONCE(conn->cpu), in = READ_ONCE(conn->rx_cpu);
	bool steady = in == conn->rx_cpu_seen;

	conn->rx_cpu_seen = in;
	if (!zcit_cpu_usable(cur) && cur != WORK_CPU_UNBOUND) {
		zcit_conn_set_cpu(conn, zcit_conn_any_cpu());
		return;
	}
	if (!steady || in == cur || !zcit_cpu_usable(in))
		return;
	if (zcit_cpu_counted(cur) && atomic_read(&zcit_cpu_conns[in]) + 1 >
				     atomic_read(&zcit_cpu_conns[cur]))
		return;
	pr_debug("%pISpc: io work moves from CPU %d to CPU %d\n",
		 &conn->peer, cur, in);
	zcit_conn_set_cpu(conn, in);
}

/* zcit_conn_each(): a connection outside the new cpus_allowed_list moves. */
static void zcit_conn_recheck_cpu(struct zcit_conn *conn, void *arg)
{
	int cpu = READ_ONCE(conn->cpu);

	if (cpu == WORK_CPU_UNBOUND ||
	    !cpumask_test_cpu(cpu, zcit_global.allowed_cpus))
		zcit_conn_set_cpu(conn, zcit_conn_any_cpu());
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
