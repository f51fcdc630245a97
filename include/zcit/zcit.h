/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit: objects of the LIO glue and the transport.
 */
#ifndef ZCIT_ZCIT_H
#define ZCIT_ZCIT_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/socket.h>
#include <linux/workqueue.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <target/target_core_base.h>
#include <zcit/param.h>
#include <zcit/names.h>

/* MODULE_VERSION, and the DKMS and Debian package's (the Makefile reads it) */
#define ZCIT_VERSION_NUM	"4.1.0"
/* lio_version and iscsi_instance/version, in iscsi_target_mod's form */
#define ZCIT_VERSION		"v" ZCIT_VERSION_NUM
/* Seconds an initiator asked to log out gets before it is disconnected. */
#define ZCIT_ASYNC_LOGOUT_WAIT	2

/* A teardown waiting for LIO core logs the commands it waits for this often. */
#define ZCIT_HELD_REPORT_SECS	5

/**
 * struct zcit_stat_groups - fabric_statistics/ groups of a target
 * @instance: iscsi_instance/
 * @sess_err: iscsi_sess_err/
 * @tgt_attr: iscsi_tgt_attr/
 * @login: iscsi_login_stats/
 * @logout: iscsi_logout_stats/
 */
struct zcit_stat_groups {
	struct config_group instance;
	struct config_group sess_err;
	struct config_group tgt_attr;
	struct config_group login;
	struct config_group logout;
};

/**
 * enum zcit_tstat - a target's counters (RFC 4544, as iscsi_target_mod
 *	keeps them; Documentation/statistics.md)
 * @ZCIT_TS_ACCEPTS: logins that reached Full Feature Phase
 * @ZCIT_TS_OTHER_FAILS: logins that failed for another reason
 * @ZCIT_TS_REDIRECTS: logins redirected (zcit redirects none)
 * @ZCIT_TS_AUTHORIZE_FAILS: logins refused: initiator not allowed
 * @ZCIT_TS_AUTHENTICATE_FAILS: logins refused: authentication failed
 * @ZCIT_TS_NEGOTIATE_FAILS: logins refused in negotiation, or abandoned
 * @ZCIT_TS_NORMAL_LOGOUTS: Logout requests closing the session
 * @ZCIT_TS_ABNORMAL_LOGOUTS: Logout requests with another reason
 * @ZCIT_TS_DIGEST_ERRORS: session errors: digest
 * @ZCIT_TS_CXN_ERRORS: session errors: connection timeout
 * @ZCIT_TS_FORMAT_ERRORS: session errors: malformed PDU
 * @ZCIT_NR_TSTATS: how many
 */
enum zcit_tstat {
	ZCIT_TS_ACCEPTS,
	ZCIT_TS_OTHER_FAILS,
	ZCIT_TS_REDIRECTS,
	ZCIT_TS_AUTHORIZE_FAILS,
	ZCIT_TS_AUTHENTICATE_FAILS,
	ZCIT_TS_NEGOTIATE_FAILS,
	ZCIT_TS_NORMAL_LOGOUTS,
	ZCIT_TS_ABNORMAL_LOGOUTS,
	ZCIT_TS_DIGEST_ERRORS,
	ZCIT_TS_CXN_ERRORS,
	ZCIT_TS_FORMAT_ERRORS,
	ZCIT_NR_TSTATS,
};

/* RFC 4544 iscsiTgtLoginFailureType / iscsiInstLastSsnFailureType values */
#define ZCIT_LOGIN_FAIL_OTHER		2
#define ZCIT_LOGIN_FAIL_REDIRECT	3
#define ZCIT_LOGIN_FAIL_AUTHORIZE	4
#define ZCIT_LOGIN_FAIL_AUTHENTICATE	5
#define ZCIT_LOGIN_FAIL_NEGOTIATE	6
#define ZCIT_SESS_ERR_DIGEST		1
#define ZCIT_SESS_ERR_CXN_TIMEOUT	2
#define ZCIT_SESS_ERR_FORMAT		3

/**
 * struct zcit_tiqn_stats - a target's statistics
 * @count: counters, by &enum zcit_tstat (no lock)
 * @lock: protects the rest (failure paths only)
 * @last_fail_type: ZCIT_LOGIN_FAIL_* of the last failed login
 * @last_fail_time: jiffies_64 of it (0: none yet)
 * @last_fail_name: its InitiatorName ("" if none)
 * @last_fail_addr: its address
 * @last_sess_fail_type: ZCIT_SESS_ERR_* of the last session error
 * @last_sess_fail_name: InitiatorName of its session
 */
struct zcit_tiqn_stats {
	atomic64_t count[ZCIT_NR_TSTATS];
	spinlock_t lock;	/* see the kernel-doc above */
	u32 last_fail_type;
	u64 last_fail_time;
	char last_fail_name[ZCIT_ISCSI_NAME_MAX + 1];
	struct sockaddr_storage last_fail_addr;
	u32 last_sess_fail_type;
	char last_sess_fail_name[ZCIT_ISCSI_NAME_MAX + 1];
};

/**
 * struct zcit_tiqn - a target (one IQN under target/iscsi/)
 * @wwn: LIO's view
 * @name: the target name
 * @index: instance index, numbered from 0 as iscsi_target_mod does
 * @tpgs: its &struct zcit_tpg, under zcit_cfg_mutex
 * @nr_portals: network portals in all its TPGs
 * @stats: fabric_statistics/ groups
 * @st: the statistics they show
 * @node: in zcit_tiqns
 * @nr_sessions: its normal sessions
 */
struct zcit_tiqn {
	struct se_wwn wwn;
	struct list_head node;
	atomic_t nr_sessions;
	char name[ZCIT_ISCSI_NAME_MAX + 1];
	u32 index;
	struct list_head tpgs;
	u32 nr_portals;
	struct zcit_stat_groups stats;
	struct zcit_tiqn_stats st;
};

/**
 * struct zcit_auth_cfg - CHAP credentials of one owner, with their lock
 * @lock: serialises configfs reads and writes with the login path
 * @auth: the credentials
 */
struct zcit_auth_cfg {
	struct mutex lock;	/* see the kernel-doc above */
	struct zcit_auth auth;
};

/**
 * struct zcit_tpg - a target portal group (tpgt_N/)
 * @se_tpg: LIO's view
 * @tiqn: the target it belongs to
 * @tpgt: its tag
 * @node: in @tiqn->tpgs
 * @lock: serialises writes to @attrib and @params
 * @attrib: attrib/ values, indexed by &enum zcit_tpg_attr
 * @params: param/ values
 * @auth: auth/ values (demo-mode CHAP credentials)
 * @portals: its &struct zcit_tpg_np, under zcit_cfg_mutex
 * @enabled: enable was written 1
 * @dying: being removed: no login may resolve to it
 * @conn_lock: protects @conns and @sessions
 * @conns: &struct zcit_conn bound to it, logging in or logged in
 * @sessions: its normal &struct zcit_sess
 * @conn_wq: woken when a connection or session leaves
 */
struct zcit_tpg {
	struct se_portal_group se_tpg;
	struct zcit_tiqn *tiqn;
	u16 tpgt;
	struct list_head node;
	struct mutex lock;	/* see the kernel-doc above */
	s32 attrib[ZCIT_NR_TPG_ATTRS];
	struct zcit_params params;
	struct zcit_auth_cfg auth;
	struct list_head portals;
	bool enabled;
	bool dying;
	spinlock_t conn_lock;	/* see the kernel-doc above */
	struct list_head conns;
	struct list_head sessions;
	wait_queue_head_t conn_wq;
};

struct zcit_portal;

/**
 * struct zcit_tpg_np - a network portal of a TPG (np/<addr>/)
 * @se_tpg_np: LIO's view
 * @tpg: the TPG
 * @portal: the listening socket it shares with other targets
 * @node: in @tpg->portals
 */
struct zcit_tpg_np {
	struct se_tpg_np se_tpg_np;
	struct zcit_tpg *tpg;
	struct zcit_portal *portal;
	struct list_head node;
};

/**
 * struct zcit_nacl - an initiator's node ACL (acls/<name>/)
 * @se_nacl: LIO's view
 * @attrib: attrib/ values, indexed by &enum zcit_nacl_attr
 * @auth: auth/ values
 * @sess_stats: fabric_statistics/iscsi_sess_stats/
 */
struct zcit_nacl {
	struct se_node_acl se_nacl;
	s32 attrib[ZCIT_NR_NACL_ATTRS];
	struct zcit_auth_cfg auth;
	struct config_group sess_stats;
};

/**
 * struct zcit_global - module-wide state
 * @disc_auth: discovery_auth/ credentials
 * @enforce_disc_auth: discovery_auth/enforce_discovery_auth
 * @allowed_cpus: cpus_allowed_list
 */
struct zcit_global {
	struct zcit_auth_cfg disc_auth;
	bool enforce_disc_auth;
	cpumask_var_t allowed_cpus;
};

extern struct zcit_global zcit_global;
/* Every target, under zcit_cfg_mutex. */
extern struct list_head zcit_tiqns;
/* Serialises creation and removal of targets, TPGs and portals. */
extern struct mutex zcit_cfg_mutex;

static inline struct zcit_tpg *to_zcit_tpg(struct se_portal_group *se_tpg)
{
	return container_of(se_tpg, struct zcit_tpg, se_tpg);
}

static inline struct zcit_tiqn *to_zcit_tiqn(struct se_wwn *wwn)
{
	return container_of(wwn, struct zcit_tiqn, wwn);
}

static inline struct zcit_nacl *to_zcit_nacl(struct se_node_acl *se_nacl)
{
	return container_of(se_nacl, struct zcit_nacl, se_nacl);
}

/* configfs.c: the attribute tables handed to LIO */
extern struct configfs_attribute *zcit_wwn_attrs[];
extern struct configfs_attribute *zcit_discovery_attrs[];
extern struct configfs_attribute *zcit_tpg_base_attrs[];
extern struct configfs_attribute *zcit_tpg_attrib_attrs[];
extern struct configfs_attribute *zcit_tpg_auth_attrs[];
extern struct configfs_attribute *zcit_tpg_param_attrs[];
extern struct configfs_attribute *zcit_np_attrs[];
extern struct configfs_attribute *zcit_nacl_base_attrs[];
extern struct configfs_attribute *zcit_nacl_attrib_attrs[];
extern struct configfs_attribute *zcit_nacl_auth_attrs[];
extern struct configfs_attribute *zcit_nacl_param_attrs[];

void zcit_configfs_init(void);

/* tpg.c: objects behind the configfs directories */
struct se_wwn *zcit_make_tiqn(struct target_fabric_configfs *tf,
			      struct config_group *group, const char *name);
void zcit_drop_tiqn(struct se_wwn *wwn);
struct se_portal_group *zcit_make_tpg(struct se_wwn *wwn, const char *name);
int zcit_enable_tpg(struct se_portal_group *se_tpg, bool enable);
void zcit_drop_tpg(struct se_portal_group *se_tpg);
struct se_tpg_np *zcit_make_np(struct se_portal_group *se_tpg,
			       struct config_group *group, const char *name);
void zcit_drop_np(struct se_tpg_np *se_tpg_np);
void zcit_tpg_close_conns(struct zcit_tpg *tpg, bool unserved);
struct zcit_tpg *zcit_tiqn_route(struct zcit_tiqn *tiqn,
				 const struct sockaddr_storage *local);
int zcit_init_nodeacl(struct se_node_acl *se_nacl, const char *name);
void zcit_set_default_node_attributes(struct se_node_acl *se_nacl);

/* portal.c: listening sockets shared by every TPG naming an address */
struct zcit_portal *zcit_portal_get(const struct sockaddr_storage *addr);
void zcit_portal_put(struct zcit_portal *portal);
const struct sockaddr_storage *zcit_portal_addr(const struct zcit_portal *portal);

/* stat.c: fabric_statistics/, the module's own counters */
void zcit_stat_add_wwn_groups(struct se_wwn *wwn);
void zcit_stat_init_nacl_group(struct zcit_nacl *nacl);
void zcit_stat_init_tiqn(struct zcit_tiqn *tiqn);
void zcit_stat_login_fail(struct zcit_tiqn *tiqn, u16 status,
			  const char *initiator,
			  const struct sockaddr_storage *peer);
const char *zcit_login_status_text(u16 status);
int zcit_stat_init(void);
void zcit_stat_exit(void);

/* Count one event of a target (any context, no lock). */
static inline void zcit_tiqn_count(struct zcit_tiqn *tiqn, enum zcit_tstat i)
{
	atomic64_inc(&tiqn->st.count[i]);
}

#endif /* ZCIT_ZCIT_H */
