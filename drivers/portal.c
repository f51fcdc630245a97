// SPDX-License-Identifier: GPL-2.0
/*
 * zcit transport: listening sockets.
 *
 * One listening socket per address, shared by every TPG of every target
 * that names it (targetcli gives each new target 0.0.0.0:3260) and
 * reference-counted.  The socket's sk_data_ready queues an accept work;
 * accepted connections are handed to the transport (conn.c) to log in.
 *
 * Wildcards and specific addresses on one port coexist: every zcit
 * listening socket has SO_REUSEPORT, which lets 0.0.0.0:p, [::]:p and
 * 10.0.0.1:p listen at once (without it the second bind gets EADDRINUSE
 * in either order, SO_REUSEADDR or not).  The kernel hands a connection
 * to the most specific listener; which one does not matter to zcit,
 * since a login is routed by the address the connection arrived on
 * (zcit_tiqn_route()).  Each socket lives exactly as long as its own
 * portals: removing one never touches another's socket or connections.
 * [::]:p is dual-stack (IPV6_V6ONLY off): it also serves IPv4.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/net.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/workqueue.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/ipv6.h>
#include <zcit/zcit.h>
#include <zcit/conn.h>

/* Pending connections the kernel queues for one listening socket. */
#define ZCIT_LISTEN_BACKLOG	256
/* Connections accepted per pass of the accept work before it yields. */
#define ZCIT_ACCEPT_BUDGET	16

/**
 * struct zcit_portal - a listening socket
 * @addr: the address it is bound to
 * @sock: the socket
 * @users: TPG network portals naming @addr
 * @node: in zcit_portals
 * @accept_work: accepts pending connections
 * @saved_data_ready: the socket's original sk_data_ready
 */
struct zcit_portal {
	struct sockaddr_storage addr;
	struct socket *sock;
	refcount_t users;
	struct list_head node;
	struct work_struct accept_work;
	void (*saved_data_ready)(struct sock *sk);
};

/* All listening sockets, under zcit_cfg_mutex. */
static LIST_HEAD(zcit_portals);

static void zcit_listen_data_ready(struct sock *sk)
{
	struct zcit_portal *portal;

	read_lock_bh(&sk->sk_callback_lock);
	portal = sk->sk_user_data;
	if (portal && sk->sk_state == TCP_LISTEN)
		queue_work(system_wq, &portal->accept_work);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void zcit_accept_work(struct work_struct *work)
{
	struct zcit_portal *portal =
		container_of(work, struct zcit_portal, accept_work);
	struct socket *newsock;
	int budget = ZCIT_ACCEPT_BUDGET;
	int ret;

	while (budget--) {
		ret = kernel_accept(portal->sock, &newsock, O_NONBLOCK);
		if (ret) {
			if (ret != -EAGAIN)
				pr_debug("accept on %pISpc: %d\n",
					 &portal->addr, ret);
			return;
		}
		zcit_conn_accept(newsock, &portal->addr);
	}
	queue_work(system_wq, &portal->accept_work);
}

static int zcit_portal_listen(struct zcit_portal *portal)
{
	struct sock *sk;
	int ret;

	/* In the network namespace of whoever made the np/ directory. */
	ret = sock_create(portal->addr.ss_family, SOCK_STREAM, IPPROTO_TCP,
			  &portal->sock);
	if (ret)
		return ret;
	sk = portal->sock->sk;
	sock_set_reuseaddr(sk);
	/* Next to zcit's other sockets on the port (the comment above). */
	sock_set_reuseport(sk);
	/* As iscsi_target_mod: a portal may name an address not up yet. */
	ip_sock_set_freebind(sk);
	tcp_sock_set_nodelay(sk);
	if (portal->addr.ss_family == AF_INET6) {
		const struct in6_addr *a =
			&((struct sockaddr_in6 *)&portal->addr)->sin6_addr;

		/*
		 * [::]:p serves IPv4 too, whatever net.ipv6.bindv6only says,
		 * and so does [::ffff:a.b.c.d]:p; other IPv6 addresses only
		 * ever see IPv6.
		 */
		if (ipv6_addr_any(a) || ipv6_addr_v4mapped(a)) {
			lock_sock(sk);
			sk->sk_ipv6only = false;
			release_sock(sk);
		} else {
			ret = ip6_sock_set_v6only(sk);
			if (ret)
				goto err;
		}
	}
	ret = kernel_bind(portal->sock, (struct sockaddr *)&portal->addr,
			  portal->addr.ss_family == AF_INET6 ?
			  sizeof(struct sockaddr_in6) :
			  sizeof(struct sockaddr_in));
	if (ret)
		goto err;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = portal;
	portal->saved_data_ready = sk->sk_data_ready;
	sk->sk_data_ready = zcit_listen_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);

	ret = kernel_listen(portal->sock, ZCIT_LISTEN_BACKLOG);
	if (ret)
		goto err_restore;
	return 0;

err_restore:
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = portal->saved_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
err:
	sock_release(portal->sock);
	portal->sock = NULL;
	return ret;
}

static void zcit_portal_close(struct zcit_portal *portal)
{
	struct sock *sk = portal->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = portal->saved_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	cancel_work_sync(&portal->accept_work);
	kernel_sock_shutdown(portal->sock, SHUT_RDWR);
	sock_release(portal->sock);
}

/**
 * zcit_portal_get() - find or open the listening socket for an address
 * @addr: the address
 *
 * Called with zcit_cfg_mutex held.
 *
 * Return: the portal with a reference taken, or an ERR_PTR.
 */
struct zcit_portal *zcit_portal_get(const struct sockaddr_storage *addr)
{
	struct zcit_portal *portal;
	int ret;

	lockdep_assert_held(&zcit_cfg_mutex);
	list_for_each_entry(portal, &zcit_portals, node) {
		if (zcit_sockaddr_equal(&portal->addr, addr)) {
			refcount_inc(&portal->users);
			return portal;
		}
	}

	portal = kzalloc(sizeof(*portal), GFP_KERNEL);
	if (!portal)
		return ERR_PTR(-ENOMEM);
	portal->addr = *addr;
	refcount_set(&portal->users, 1);
	INIT_WORK(&portal->accept_work, zcit_accept_work);
	ret = zcit_portal_listen(portal);
	if (ret) {
		pr_err("cannot listen on %pISpc: %d\n", addr, ret);
		kfree(portal);
		return ERR_PTR(ret);
	}
	list_add_tail(&portal->node, &zcit_portals);
	pr_info("listening on %pISpc\n", addr);
	return portal;
}

/**
 * zcit_portal_addr() - the address a portal listens on
 * @portal: the portal
 *
 * Return: its address.
 */
const struct sockaddr_storage *zcit_portal_addr(const struct zcit_portal *portal)
{
	return &portal->addr;
}

/**
 * zcit_portal_put() - drop a reference; the last one closes the socket
 * @portal: the portal
 *
 * Called with zcit_cfg_mutex held.
 */
void zcit_portal_put(struct zcit_portal *portal)
{
	lockdep_assert_held(&zcit_cfg_mutex);
	if (!refcount_dec_and_test(&portal->users))
		return;
	list_del(&portal->node);
	zcit_portal_close(portal);
	pr_info("stopped listening on %pISpc\n", &portal->addr);
	kfree(portal);
}
