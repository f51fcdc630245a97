/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit transport: a connection's life (conn.c, with admit.c and
 * conn_timer.c), and the API the layers above use.  The LIO glue reaches
 * a connection only through zcit_conn_get(), zcit_conn_put(),
 * zcit_conn_post(), zcit_conn_kick(), zcit_conn_close(),
 * zcit_conn_ask_logout(), zcit_conn_state(), zcit_conn_set_login_timeout()
 * and zcit_conn_set_idle_timeout().
 */
#ifndef ZCIT_CONN_H
#define ZCIT_CONN_H

#include <zcit/transport.h>

/* conn.c: the connection's life */
int zcit_conn_init(const struct zcit_conn_ops *ops);
void zcit_conn_exit(void);
void zcit_conn_accept(struct socket *sock, const struct sockaddr_storage *listen);
void zcit_conn_get(struct zcit_conn *conn);
void zcit_conn_put(struct zcit_conn *conn);
void zcit_conn_each(void (*fn)(struct zcit_conn *conn, void *arg), void *arg);
u32 zcit_conn_in_use(u32 *logins);
const char *zcit_conn_state_name(enum zcit_conn_state state);
void zcit_conn_kick(struct zcit_conn *conn);
void zcit_conn_close(struct zcit_conn *conn);
void zcit_conn_drop(struct zcit_conn *conn);
void zcit_conn_ask_logout(struct zcit_conn *conn);
void zcit_conn_post(struct zcit_conn *conn, enum zcit_conn_inbox box,
		    struct llist_node *node);
void zcit_conn_enter_ffp(struct zcit_conn *conn);
void zcit_conn_fail(struct zcit_conn *conn, enum zcit_conn_why why);
/* admit.c: the CPU a connection's io work runs on */
int zcit_conn_cpu_init(void);
void zcit_conn_cpu_exit(void);
int zcit_conn_pick_cpu(int cpu);
void zcit_conn_set_cpu(struct zcit_conn *conn, int cpu);
void zcit_conn_follow_cpu(struct zcit_conn *conn);
void zcit_conn_cpus_changed(void);
/* conn_timer.c: a connection's timeouts */
void zcit_conn_set_login_timeout(struct zcit_conn *conn, u32 seconds);
void zcit_conn_set_idle_timeout(struct zcit_conn *conn, unsigned long delay);
void zcit_conn_arm_tick(struct zcit_conn *conn, unsigned long delay);

#endif /* ZCIT_CONN_H */
