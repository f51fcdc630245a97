// SPDX-License-Identifier: GPL-2.0
/*
 * zcit LIO glue: statistics.
 *
 * fabric_statistics/ groups: the iSCSI MIB of RFC 4544 as
 * iscsi_target_mod lays it out under configfs, with its meanings
 * (Documentation/statistics.md lists every counter and where zcit and
 * iscsi_target_mod differ).  The counters are atomic64_t: the I/O path
 * takes no lock; the "last failure" details, written on failures only,
 * take the target's stats lock.
 *
 * What zcit sees that iscsi_target_mod does not (resource bounds hit,
 * Rejects sent, connections ended and why) is counted module-wide in
 * /sys/module/zcit/statistics/, out of the configfs tree rtslib walks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/configfs.h>
#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/socket.h>
#include <linux/sysfs.h>
#include <target/target_core_base.h>
#include <zcit/zcit.h>
#include <zcit/conn.h>
#include <zcit/ffp.h>
#include <zcit/session.h>
#include <zcit/limits.h>

/* RFC 4544 values iscsi_target_mod reports. */
#define ZCIT_MIB_VERSION	0x00	/* iSCSI draft 20 = RFC 3720 */
#define ZCIT_MIB_NODES		1
#define ZCIT_MIB_NODE_INDEX	1
#define ZCIT_MIB_DISC_TIME	0
#define ZCIT_MIB_DESCR		"Storage Engine Target"

#define ZCIT_STAT_TIQN(member)						\
static struct zcit_tiqn *member##_tiqn(struct config_item *item)	\
{									\
	return container_of(to_config_group(item), struct zcit_tiqn,	\
			    stats.member);				\
}

ZCIT_STAT_TIQN(instance)
ZCIT_STAT_TIQN(sess_err)
ZCIT_STAT_TIQN(tgt_attr)
ZCIT_STAT_TIQN(login)
ZCIT_STAT_TIQN(logout)

/* An attribute showing a constant unsigned number. */
#define ZCIT_STAT_CONST(prefix, name, value)				\
static ssize_t prefix##name##_show(struct config_item *item, char *page) \
{									\
	return sysfs_emit(page, "%u\n", (u32)(value));			\
}									\
CONFIGFS_ATTR_RO(prefix, name)

/* An attribute showing the target's instance index. */
#define ZCIT_STAT_INST(prefix, member)					\
static ssize_t prefix##inst_show(struct config_item *item, char *page)	\
{									\
	return sysfs_emit(page, "%u\n", member##_tiqn(item)->index);	\
}									\
CONFIGFS_ATTR_RO(prefix, inst)

/* An attribute showing a constant string. */
#define ZCIT_STAT_STR(prefix, name, value)				\
static ssize_t prefix##name##_show(struct config_item *item, char *page) \
{									\
	return sysfs_emit(page, "%s\n", value);				\
}									\
CONFIGFS_ATTR_RO(prefix, name)

/* iscsi_instance/ */
ZCIT_STAT_INST(zcit_stat_instance_, instance);
ZCIT_STAT_CONST(zcit_stat_instance_, min_ver, ZCIT_MIB_VERSION);
ZCIT_STAT_CONST(zcit_stat_instance_, max_ver, ZCIT_MIB_VERSION);

static ssize_t zcit_stat_instance_portals_show(struct config_item *item,
					       char *page)
{
	return sysfs_emit(page, "%u\n",
			  READ_ONCE(instance_tiqn(item)->nr_portals));
}
CONFIGFS_ATTR_RO(zcit_stat_instance_, portals);

ZCIT_STAT_CONST(zcit_stat_instance_, nodes, ZCIT_MIB_NODES);
static ssize_t zcit_stat_instance_sessions_show(struct config_item *item,
						char *page)
{
	return sysfs_emit(page, "%u\n",
			  atomic_read(&instance_tiqn(item)->nr_sessions));
}
CONFIGFS_ATTR_RO(zcit_stat_instance_, sessions);
static u64 zcit_tcount(struct zcit_tiqn *tiqn, enum zcit_tstat i)
{
	return atomic64_read(&tiqn->st.count[i]);
}

/* A counter of the target, by &enum zcit_tstat. */
#define ZCIT_STAT_COUNT(prefix, member, name, idx)			\
static ssize_t prefix##name##_show(struct config_item *item, char *page) \
{									\
	return sysfs_emit(page, "%llu\n",				\
			  zcit_tcount(member##_tiqn(item), idx));	\
}									\
CONFIGFS_ATTR_RO(prefix, name)

/* RFC 4544 iscsiInstSsnFailures: sessions failed, any reason. */
static ssize_t zcit_stat_instance_fail_sess_show(struct config_item *item,
						 char *page)
{
	struct zcit_tiqn *tiqn = instance_tiqn(item);

	return sysfs_emit(page, "%llu\n",
			  zcit_tcount(tiqn, ZCIT_TS_DIGEST_ERRORS) +
			  zcit_tcount(tiqn, ZCIT_TS_CXN_ERRORS) +
			  zcit_tcount(tiqn, ZCIT_TS_FORMAT_ERRORS));
}
CONFIGFS_ATTR_RO(zcit_stat_instance_, fail_sess);

static ssize_t zcit_stat_instance_fail_type_show(struct config_item *item,
						 char *page)
{
	struct zcit_tiqn_stats *st = &instance_tiqn(item)->st;

	return sysfs_emit(page, "%u\n", READ_ONCE(st->last_sess_fail_type));
}
CONFIGFS_ATTR_RO(zcit_stat_instance_, fail_type);

/* A name of the last failure, written under @st->lock; "None" when empty. */
static ssize_t zcit_stat_emit_name(char *page, struct zcit_tiqn_stats *st,
				   const char *name)
{
	ssize_t ret;

	spin_lock_bh(&st->lock);
	ret = sysfs_emit(page, "%s\n", name[0] ? name : "None");
	spin_unlock_bh(&st->lock);
	return ret;
}

static ssize_t zcit_stat_instance_fail_rem_name_show(struct config_item *item,
						     char *page)
{
	struct zcit_tiqn_stats *st = &instance_tiqn(item)->st;

	return zcit_stat_emit_name(page, st, st->last_sess_fail_name);
}
CONFIGFS_ATTR_RO(zcit_stat_instance_, fail_rem_name);
ZCIT_STAT_CONST(zcit_stat_instance_, disc_time, ZCIT_MIB_DISC_TIME);
ZCIT_STAT_STR(zcit_stat_instance_, description, ZCIT_MIB_DESCR);
ZCIT_STAT_STR(zcit_stat_instance_, vendor, "zcit iSCSI-Target");
ZCIT_STAT_STR(zcit_stat_instance_, version, ZCIT_VERSION);

static struct configfs_attribute *zcit_stat_instance_attrs[] = {
	&zcit_stat_instance_attr_inst,
	&zcit_stat_instance_attr_min_ver,
	&zcit_stat_instance_attr_max_ver,
	&zcit_stat_instance_attr_portals,
	&zcit_stat_instance_attr_nodes,
	&zcit_stat_instance_attr_sessions,
	&zcit_stat_instance_attr_fail_sess,
	&zcit_stat_instance_attr_fail_type,
	&zcit_stat_instance_attr_fail_rem_name,
	&zcit_stat_instance_attr_disc_time,
	&zcit_stat_instance_attr_description,
	&zcit_stat_instance_attr_vendor,
	&zcit_stat_instance_attr_version,
	NULL,
};

/* iscsi_sess_err/ */
ZCIT_STAT_INST(zcit_stat_sess_err_, sess_err);
ZCIT_STAT_COUNT(zcit_stat_sess_err_, sess_err, digest_errors,
		ZCIT_TS_DIGEST_ERRORS);
ZCIT_STAT_COUNT(zcit_stat_sess_err_, sess_err, cxn_errors, ZCIT_TS_CXN_ERRORS);
ZCIT_STAT_COUNT(zcit_stat_sess_err_, sess_err, format_errors,
		ZCIT_TS_FORMAT_ERRORS);

static struct configfs_attribute *zcit_stat_sess_err_attrs[] = {
	&zcit_stat_sess_err_attr_inst,
	&zcit_stat_sess_err_attr_digest_errors,
	&zcit_stat_sess_err_attr_cxn_errors,
	&zcit_stat_sess_err_attr_format_errors,
	NULL,
};

/* iscsi_tgt_attr/ */
ZCIT_STAT_INST(zcit_stat_tgt_attr_, tgt_attr);
ZCIT_STAT_CONST(zcit_stat_tgt_attr_, indx, ZCIT_MIB_NODE_INDEX);
/* RFC 4544 iscsiTgtLoginFailures: every failed login, redirects too. */
static ssize_t zcit_stat_tgt_attr_login_fails_show(struct config_item *item,
						   char *page)
{
	struct zcit_tiqn *tiqn = tgt_attr_tiqn(item);

	return sysfs_emit(page, "%llu\n",
			  zcit_tcount(tiqn, ZCIT_TS_REDIRECTS) +
			  zcit_tcount(tiqn, ZCIT_TS_AUTHORIZE_FAILS) +
			  zcit_tcount(tiqn, ZCIT_TS_AUTHENTICATE_FAILS) +
			  zcit_tcount(tiqn, ZCIT_TS_NEGOTIATE_FAILS) +
			  zcit_tcount(tiqn, ZCIT_TS_OTHER_FAILS));
}
CONFIGFS_ATTR_RO(zcit_stat_tgt_attr_, login_fails);

/* Hundredths of a second since boot, as iscsi_target_mod (0: none). */
static ssize_t zcit_stat_tgt_attr_last_fail_time_show(struct config_item *item,
						      char *page)
{
	struct zcit_tiqn_stats *st = &tgt_attr_tiqn(item)->st;
	u64 t;

	spin_lock_bh(&st->lock);
	t = st->last_fail_time;
	spin_unlock_bh(&st->lock);
	return sysfs_emit(page, "%u\n", t ? (u32)(((u32)t - INITIAL_JIFFIES) *
						  100 / HZ) : 0);
}
CONFIGFS_ATTR_RO(zcit_stat_tgt_attr_, last_fail_time);

static ssize_t zcit_stat_tgt_attr_last_fail_type_show(struct config_item *item,
						      char *page)
{
	struct zcit_tiqn_stats *st = &tgt_attr_tiqn(item)->st;

	return sysfs_emit(page, "%u\n", READ_ONCE(st->last_fail_type));
}
CONFIGFS_ATTR_RO(zcit_stat_tgt_attr_, last_fail_type);

static ssize_t zcit_stat_tgt_attr_fail_intr_name_show(struct config_item *item,
						      char *page)
{
	struct zcit_tiqn_stats *st = &tgt_attr_tiqn(item)->st;

	return zcit_stat_emit_name(page, st, st->last_fail_name);
}
CONFIGFS_ATTR_RO(zcit_stat_tgt_attr_, fail_intr_name);

static ssize_t zcit_stat_tgt_attr_fail_intr_addr_type_show(struct config_item *item,
							   char *page)
{
	struct zcit_tiqn_stats *st = &tgt_attr_tiqn(item)->st;
	bool v6;

	spin_lock_bh(&st->lock);
	v6 = st->last_fail_addr.ss_family == AF_INET6;
	spin_unlock_bh(&st->lock);
	return sysfs_emit(page, "%s\n", v6 ? "ipv6" : "ipv4");
}
CONFIGFS_ATTR_RO(zcit_stat_tgt_attr_, fail_intr_addr_type);

/* With no failure yet, %pISc prints "(einval)", as iscsi_target_mod shows. */
static ssize_t zcit_stat_tgt_attr_fail_intr_addr_show(struct config_item *item,
						      char *page)
{
	struct zcit_tiqn_stats *st = &tgt_attr_tiqn(item)->st;
	ssize_t ret;

	spin_lock_bh(&st->lock);
	ret = sysfs_emit(page, "%pISc\n", &st->last_fail_addr);
	spin_unlock_bh(&st->lock);
	return ret;
}
CONFIGFS_ATTR_RO(zcit_stat_tgt_attr_, fail_intr_addr);

static struct configfs_attribute *zcit_stat_tgt_attr_attrs[] = {
	&zcit_stat_tgt_attr_attr_inst,
	&zcit_stat_tgt_attr_attr_indx,
	&zcit_stat_tgt_attr_attr_login_fails,
	&zcit_stat_tgt_attr_attr_last_fail_time,
	&zcit_stat_tgt_attr_attr_last_fail_type,
	&zcit_stat_tgt_attr_attr_fail_intr_name,
	&zcit_stat_tgt_attr_attr_fail_intr_addr_type,
	&zcit_stat_tgt_attr_attr_fail_intr_addr,
	NULL,
};

/* iscsi_login_stats/ */
ZCIT_STAT_INST(zcit_stat_login_, login);
ZCIT_STAT_CONST(zcit_stat_login_, indx, ZCIT_MIB_NODE_INDEX);
ZCIT_STAT_COUNT(zcit_stat_login_, login, accepts, ZCIT_TS_ACCEPTS);
ZCIT_STAT_COUNT(zcit_stat_login_, login, other_fails, ZCIT_TS_OTHER_FAILS);
ZCIT_STAT_COUNT(zcit_stat_login_, login, redirects, ZCIT_TS_REDIRECTS);
ZCIT_STAT_COUNT(zcit_stat_login_, login, authorize_fails,
		ZCIT_TS_AUTHORIZE_FAILS);
ZCIT_STAT_COUNT(zcit_stat_login_, login, authenticate_fails,
		ZCIT_TS_AUTHENTICATE_FAILS);
ZCIT_STAT_COUNT(zcit_stat_login_, login, negotiate_fails,
		ZCIT_TS_NEGOTIATE_FAILS);

static struct configfs_attribute *zcit_stat_login_attrs[] = {
	&zcit_stat_login_attr_inst,
	&zcit_stat_login_attr_indx,
	&zcit_stat_login_attr_accepts,
	&zcit_stat_login_attr_other_fails,
	&zcit_stat_login_attr_redirects,
	&zcit_stat_login_attr_authorize_fails,
	&zcit_stat_login_attr_authenticate_fails,
	&zcit_stat_login_attr_negotiate_fails,
	NULL,
};

/* iscsi_logout_stats/ */
ZCIT_STAT_INST(zcit_stat_logout_, logout);
ZCIT_STAT_CONST(zcit_stat_logout_, indx, ZCIT_MIB_NODE_INDEX);
ZCIT_STAT_COUNT(zcit_stat_logout_, logout, normal_logouts,
		ZCIT_TS_NORMAL_LOGOUTS);
ZCIT_STAT_COUNT(zcit_stat_logout_, logout, abnormal_logouts,
		ZCIT_TS_ABNORMAL_LOGOUTS);

static struct configfs_attribute *zcit_stat_logout_attrs[] = {
	&zcit_stat_logout_attr_inst,
	&zcit_stat_logout_attr_indx,
	&zcit_stat_logout_attr_normal_logouts,
	&zcit_stat_logout_attr_abnormal_logouts,
	NULL,
};

/*
 * acls/<initiator>/fabric_statistics/iscsi_sess_stats/: the ACL's session
 * (LIO core's nacl_sess: the newest one); with none, every file but inst
 * is empty, as in iscsi_target_mod.
 */
enum zcit_stat_sess_field {
	ZCIT_SF_NODE = ZCIT_NR_SSTATS,
	ZCIT_SF_INDX,
};

static ssize_t zcit_stat_sess_show(struct config_item *item, char *page,
				   int field)
{
	struct zcit_nacl *nacl = container_of(to_config_group(item),
					      struct zcit_nacl, sess_stats);
	struct se_node_acl *se_nacl = &nacl->se_nacl;
	struct se_session *se_sess;
	struct zcit_sess *sess;
	ssize_t ret = 0;

	spin_lock_bh(&se_nacl->nacl_sess_lock);
	se_sess = se_nacl->nacl_sess;
	sess = se_sess ? se_sess->fabric_sess_ptr : NULL;
	if (!sess)
		goto out;
	if (field == ZCIT_SF_NODE)
		ret = sysfs_emit(page, "%u\n", ZCIT_MIB_NODE_INDEX);
	else if (field == ZCIT_SF_INDX)
		ret = sysfs_emit(page, "%u\n", sess->sid);
	else
		ret = sysfs_emit(page, "%llu\n",
				 (u64)atomic64_read(&sess->stats[field]));
out:
	spin_unlock_bh(&se_nacl->nacl_sess_lock);
	return ret;
}

#define ZCIT_STAT_SESS(name, field)					\
static ssize_t zcit_stat_sess_##name##_show(struct config_item *item,	\
					    char *page)			\
{									\
	return zcit_stat_sess_show(item, page, field);			\
}									\
CONFIGFS_ATTR_RO(zcit_stat_sess_, name)

static ssize_t zcit_stat_sess_inst_show(struct config_item *item, char *page)
{
	struct zcit_nacl *nacl = container_of(to_config_group(item),
					      struct zcit_nacl, sess_stats);

	return sysfs_emit(page, "%u\n",
			  to_zcit_tpg(nacl->se_nacl.se_tpg)->tiqn->index);
}
CONFIGFS_ATTR_RO(zcit_stat_sess_, inst);

ZCIT_STAT_SESS(node, ZCIT_SF_NODE);
ZCIT_STAT_SESS(indx, ZCIT_SF_INDX);
ZCIT_STAT_SESS(cmd_pdus, ZCIT_SS_CMD_PDUS);
ZCIT_STAT_SESS(rsp_pdus, ZCIT_SS_RSP_PDUS);
ZCIT_STAT_SESS(txdata_octs, ZCIT_SS_TXDATA);
ZCIT_STAT_SESS(rxdata_octs, ZCIT_SS_RXDATA);
ZCIT_STAT_SESS(conn_digest_errors, ZCIT_SS_DIGEST);
ZCIT_STAT_SESS(conn_timeout_errors, ZCIT_SS_TIMEOUT);

static struct configfs_attribute *zcit_stat_sess_attrs[] = {
	&zcit_stat_sess_attr_inst,
	&zcit_stat_sess_attr_node,
	&zcit_stat_sess_attr_indx,
	&zcit_stat_sess_attr_cmd_pdus,
	&zcit_stat_sess_attr_rsp_pdus,
	&zcit_stat_sess_attr_txdata_octs,
	&zcit_stat_sess_attr_rxdata_octs,
	&zcit_stat_sess_attr_conn_digest_errors,
	&zcit_stat_sess_attr_conn_timeout_errors,
	NULL,
};

#define ZCIT_STAT_CIT(name)						\
static const struct config_item_type zcit_stat_##name##_cit = {		\
	.ct_attrs = zcit_stat_##name##_attrs,				\
	.ct_owner = THIS_MODULE,					\
}

ZCIT_STAT_CIT(instance);
ZCIT_STAT_CIT(sess_err);
ZCIT_STAT_CIT(tgt_attr);
ZCIT_STAT_CIT(login);
ZCIT_STAT_CIT(logout);
ZCIT_STAT_CIT(sess);

static void zcit_stat_add(struct config_group *group, const char *name,
			  const struct config_item_type *cit,
			  struct config_group *parent)
{
	config_group_init_type_name(group, name, cit);
	configfs_add_default_group(group, parent);
}

/**
 * zcit_stat_add_wwn_groups() - add a target's fabric_statistics/ groups
 * @wwn: the target
 */
void zcit_stat_add_wwn_groups(struct se_wwn *wwn)
{
	struct zcit_tiqn *tiqn = to_zcit_tiqn(wwn);
	struct config_group *parent = &wwn->fabric_stat_group;

	zcit_stat_add(&tiqn->stats.instance, "iscsi_instance",
		      &zcit_stat_instance_cit, parent);
	zcit_stat_add(&tiqn->stats.sess_err, "iscsi_sess_err",
		      &zcit_stat_sess_err_cit, parent);
	zcit_stat_add(&tiqn->stats.tgt_attr, "iscsi_tgt_attr",
		      &zcit_stat_tgt_attr_cit, parent);
	zcit_stat_add(&tiqn->stats.login, "iscsi_login_stats",
		      &zcit_stat_login_cit, parent);
	zcit_stat_add(&tiqn->stats.logout, "iscsi_logout_stats",
		      &zcit_stat_logout_cit, parent);
}

/**
 * zcit_stat_init_nacl_group() - add an ACL's iscsi_sess_stats/ group
 * @nacl: the ACL
 */
void zcit_stat_init_nacl_group(struct zcit_nacl *nacl)
{
	zcit_stat_add(&nacl->sess_stats, "iscsi_sess_stats",
		      &zcit_stat_sess_cit, &nacl->se_nacl.acl_fabric_stat_group);
}

/**
 * zcit_stat_init_tiqn() - set up a new target's statistics
 * @tiqn: the target, zeroed
 */
void zcit_stat_init_tiqn(struct zcit_tiqn *tiqn)
{
	spin_lock_init(&tiqn->st.lock);
}

/**
 * zcit_login_status_text() - a login status in words, for the log
 * @status: a ZCIT_LS_* value
 *
 * Return: a constant string.
 */
const char *zcit_login_status_text(u16 status)
{
	switch (status) {
	case ZCIT_LS_AUTH_FAILED:
		return "authentication failed";
	case ZCIT_LS_FORBIDDEN:
		return "initiator not allowed (no ACL)";
	case ZCIT_LS_NOT_FOUND:
		return "no such target behind this portal";
	case ZCIT_LS_REMOVED:
		return "target removed";
	case ZCIT_LS_NO_VERSION:
		return "unsupported iSCSI version";
	case ZCIT_LS_TOO_MANY_CONNS:
		return "too many connections in the session";
	case ZCIT_LS_MISSING:
		return "a required key is missing";
	case ZCIT_LS_CONN_ADD:
		return "connection cannot join the session (CID in use)";
	case ZCIT_LS_NO_SESS_TYPE:
		return "session type not supported";
	case ZCIT_LS_NO_SESSION:
		return "no such session to join";
	case ZCIT_LS_INVALID_REQ:
		return "invalid login request";
	case ZCIT_LS_INIT_ERR:
		return "negotiation failed (initiator error)";
	case ZCIT_LS_UNAVAILABLE:
		return "target unavailable (portal group disabled or busy)";
	case ZCIT_LS_NO_RESOURCES:
		return "out of resources";
	case ZCIT_LS_TARGET_ERR:
		return "target error";
	default:
		return "refused";
	}
}

/**
 * zcit_stat_login_fail() - count a failed login of a target
 * @tiqn: the target
 * @status: the ZCIT_LS_* status it was refused with; ZCIT_LS_INIT_ERR
 *	for a login the initiator abandoned (closed, timed out)
 * @initiator: its InitiatorName, or ""
 * @peer: its address
 *
 * Classes as iscsi_target_mod's iscsit_collect_login_stats().  Any
 * context.
 */
void zcit_stat_login_fail(struct zcit_tiqn *tiqn, u16 status,
			  const char *initiator,
			  const struct sockaddr_storage *peer)
{
	struct zcit_tiqn_stats *st = &tiqn->st;
	enum zcit_tstat i;
	u32 type;

	if (status >> 8 == ISCSI_STATUS_CLS_REDIRECT) {
		i = ZCIT_TS_REDIRECTS;
		type = ZCIT_LOGIN_FAIL_REDIRECT;
	} else if (status == ZCIT_LS_AUTH_FAILED) {
		i = ZCIT_TS_AUTHENTICATE_FAILS;
		type = ZCIT_LOGIN_FAIL_AUTHENTICATE;
	} else if (status == ZCIT_LS_FORBIDDEN) {
		i = ZCIT_TS_AUTHORIZE_FAILS;
		type = ZCIT_LOGIN_FAIL_AUTHORIZE;
	} else if (status == ZCIT_LS_INIT_ERR) {
		i = ZCIT_TS_NEGOTIATE_FAILS;
		type = ZCIT_LOGIN_FAIL_NEGOTIATE;
	} else {
		i = ZCIT_TS_OTHER_FAILS;
		type = ZCIT_LOGIN_FAIL_OTHER;
	}
	zcit_tiqn_count(tiqn, i);
	spin_lock_bh(&st->lock);
	st->last_fail_type = type;
	st->last_fail_time = get_jiffies_64();
	strscpy(st->last_fail_name, initiator[0] ? initiator : "Unknown",
		sizeof(st->last_fail_name));
	st->last_fail_addr = *peer;
	spin_unlock_bh(&st->lock);
}

/*
 * A normal session failed (RFC 4544 iscsiInstSsnFailures): count it by
 * type (ZCIT_SESS_ERR_*) and note it as the target's last.
 */
static void zcit_stat_sess_error(struct zcit_sess *sess, u32 type)
{
	struct zcit_tiqn *tiqn = sess->tpg->tiqn;
	struct zcit_tiqn_stats *st = &tiqn->st;

	zcit_tiqn_count(tiqn, type == ZCIT_SESS_ERR_DIGEST ?
			ZCIT_TS_DIGEST_ERRORS : type == ZCIT_SESS_ERR_FORMAT ?
			ZCIT_TS_FORMAT_ERRORS : ZCIT_TS_CXN_ERRORS);
	spin_lock_bh(&st->lock);
	st->last_sess_fail_type = type;
	strscpy(st->last_sess_fail_name, sess->initiator_name,
		sizeof(st->last_sess_fail_name));
	spin_unlock_bh(&st->lock);
}

/*
 * The module's own counters: /sys/module/zcit/statistics/<name>, one
 * value a file.  Not under target/iscsi/ in configfs: rtslib lists every
 * directory there and would take a new one for something of its own.
 */
enum zcit_mstat {
	ZCIT_MS_REJECTS,
	ZCIT_MS_DATA_DIGEST_REJECTS,
	ZCIT_NR_MSTATS,
};

static const char *const zcit_mstat_names[ZCIT_NR_MSTATS] = {
	[ZCIT_MS_REJECTS] = "rejects",
	[ZCIT_MS_DATA_DIGEST_REJECTS] = "data_digest_rejects",
};

/* closed_<name>: connections that ended so, by &enum zcit_conn_why */
static const char *const zcit_closed_names[ZCIT_NR_WHYS] = {
	[ZCIT_WHY_LOGOUT] = "closed_logout",
	[ZCIT_WHY_LOGIN_REFUSED] = "closed_login_refused",
	[ZCIT_WHY_PROTOCOL] = "closed_protocol_error",
	[ZCIT_WHY_DATA_DIGEST] = "closed_data_digest_error",
	[ZCIT_WHY_BAD_PDU] = "closed_malformed_pdu",
	[ZCIT_WHY_HDR_DIGEST] = "closed_header_digest_error",
	[ZCIT_WHY_PEER] = "closed_by_initiator",
	[ZCIT_WHY_SOCKET] = "closed_socket_error",
	[ZCIT_WHY_NOMEM] = "closed_out_of_memory",
	[ZCIT_WHY_LOGIN_TIMEOUT] = "closed_login_timeout",
	[ZCIT_WHY_NOPIN_TIMEOUT] = "closed_nopin_timeout",
	[ZCIT_WHY_DATAOUT_TIMEOUT] = "closed_dataout_timeout",
	[ZCIT_WHY_TX_STALL] = "closed_tx_stall",
	[ZCIT_WHY_CLOSED] = "closed_by_target",
	[ZCIT_WHY_EVICTED] = "closed_evicted",
	[ZCIT_WHY_IDLE] = "closed_idle",
};

#define ZCIT_NR_MFILES	(ZCIT_NR_HITS + ZCIT_NR_MSTATS + ZCIT_NR_WHYS)

static atomic64_t zcit_mstats[ZCIT_NR_MSTATS];
static atomic64_t zcit_closed[ZCIT_NR_WHYS];

/**
 * struct zcit_mattr - one file of /sys/module/zcit/statistics/
 * @attr: the sysfs attribute
 * @hit: a &enum zcit_hit count, or -1
 * @count: else the counter
 */
struct zcit_mattr {
	struct kobj_attribute attr;
	int hit;
	atomic64_t *count;
};

static struct zcit_mattr zcit_mattrs[ZCIT_NR_MFILES];
static struct attribute *zcit_mattr_list[ZCIT_NR_MFILES + 1];
static const struct attribute_group zcit_mattr_group = {
	.attrs = zcit_mattr_list,
};

static struct kobject *zcit_stat_kobj;

static ssize_t zcit_mattr_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *page)
{
	struct zcit_mattr *m = container_of(attr, struct zcit_mattr, attr);

	return sysfs_emit(page, "%llu\n", m->hit >= 0 ?
			  zcit_hit_count(m->hit) :
			  (u64)atomic64_read(m->count));
}

static void zcit_mattr_set(int n, const char *name, int hit,
			   atomic64_t *count)
{
	struct zcit_mattr *m = &zcit_mattrs[n];

	sysfs_attr_init(&m->attr.attr);
	m->attr.attr.name = name;
	m->attr.attr.mode = 0444;
	m->attr.show = zcit_mattr_show;
	m->hit = hit;
	m->count = count;
	zcit_mattr_list[n] = &m->attr.attr;
}

static struct dentry *zcit_debugfs;

/* One line of <debugfs>/zcit/connections; runs under zcit_conns_lock. */
static void zcit_stat_conn_show(struct zcit_conn *conn, void *arg)
{
	struct seq_file *m = arg;
	struct zcit_sess *sess = READ_ONCE(conn->sess);
	struct zcit_tpg *tpg = READ_ONCE(conn->tpg);
	enum zcit_conn_state state = zcit_conn_state(conn);
	/* Each command holds a reference; so do we, and the io work until
	 * the connection is released.
	 */
	int cmds = kref_read(&conn->ref) - 1 - !READ_ONCE(conn->released);

	seq_printf(m, "peer=%pISpc local=%pISpc state=%s cpu=%d cmds=%d",
		   &conn->peer, &conn->local, zcit_conn_state_name(state),
		   READ_ONCE(conn->cpu), max(cmds, 0));
	if (tpg)
		seq_printf(m, " target=%s tpgt=%u", tpg->tiqn->name, tpg->tpgt);
	if (sess && sess->discovery)
		seq_printf(m, " discovery=1 initiator=%s tsih=%u",
			   sess->initiator_name, sess->tsih);
	else if (sess && state >= ZCIT_CONN_FFP)
		seq_printf(m,
			   " initiator=%s isid=0x%6phN tsih=%u cid=%u hdgst=%s ddgst=%s mrdsl=%u mxdsl=%u cmd_pdus=%llu rsp_pdus=%llu rx_bytes=%llu tx_bytes=%llu digest_errors=%llu session_buf_kib=%lld",
			   sess->initiator_name, sess->isid, sess->tsih,
			   conn->cid, conn->hdr_digest ? "crc32c" : "none",
			   conn->data_digest ? "crc32c" : "none",
			   conn->max_recv_dsl, READ_ONCE(conn->max_xmit_dsl),
			   READ_ONCE(conn->stats[ZCIT_SS_CMD_PDUS]),
			   READ_ONCE(conn->stats[ZCIT_SS_RSP_PDUS]),
			   READ_ONCE(conn->stats[ZCIT_SS_RXDATA]),
			   READ_ONCE(conn->stats[ZCIT_SS_TXDATA]),
			   READ_ONCE(conn->stats[ZCIT_SS_DIGEST]),
			   atomic64_read(&sess->buf_bytes) >> 10);
	seq_printf(m, " age_s=%u\n",
		   jiffies_to_msecs(jiffies - conn->accepted) / 1000);
}

static int zcit_stat_conns_show(struct seq_file *m, void *v)
{
	zcit_conn_each(zcit_stat_conn_show, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(zcit_stat_conns);

/*
 * <debugfs>/zcit/in_use: what the module holds now.  With no initiator
 * connected every figure must come back to 0: a leak check for tests.
 */
static int zcit_stat_in_use_show(struct seq_file *m, void *v)
{
	u32 logins, disc;
	u32 conns = zcit_conn_in_use(&logins);
	u32 sess = zcit_sess_in_use(&disc);

	seq_printf(m, "connections %u\nlogins %u\nsessions %u\ndiscovery_sessions %u\n",
		   conns, logins, sess, disc);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(zcit_stat_in_use);

/**
 * zcit_stat_init() - create /sys/module/zcit/statistics/
 *
 * Return: 0 or -errno.
 */
int zcit_stat_init(void)
{
	int i, n = 0, ret;

	for (i = 0; i < ZCIT_NR_HITS; i++)
		zcit_mattr_set(n++, zcit_hit_name(i), i, NULL);
	for (i = 0; i < ZCIT_NR_MSTATS; i++)
		zcit_mattr_set(n++, zcit_mstat_names[i], -1, &zcit_mstats[i]);
	for (i = 0; i < ZCIT_NR_WHYS; i++)
		zcit_mattr_set(n++, zcit_closed_names[i], -1, &zcit_closed[i]);
	zcit_stat_kobj = kobject_create_and_add("statistics",
						&THIS_MODULE->mkobj.kobj);
	if (!zcit_stat_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(zcit_stat_kobj, &zcit_mattr_group);
	if (ret) {
		kobject_put(zcit_stat_kobj);
		zcit_stat_kobj = NULL;
		return ret;
	}
	/* Optional: without debugfs there is no per-connection view. */
	zcit_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("connections", 0400, zcit_debugfs, NULL,
			    &zcit_stat_conns_fops);
	debugfs_create_file("in_use", 0400, zcit_debugfs, NULL,
			    &zcit_stat_in_use_fops);
	return 0;
}

/**
 * zcit_stat_exit() - remove /sys/module/zcit/statistics/
 */
void zcit_stat_exit(void)
{
	debugfs_remove(zcit_debugfs);
	kobject_put(zcit_stat_kobj);
}

/**
 * zcit_stat_reject() - count a Reject sent in Full Feature Phase
 * @conn: the connection
 * @reason: its reason (a data digest error also counts for the session)
 */
void zcit_stat_reject(struct zcit_conn *conn, u8 reason)
{
	atomic64_inc(&zcit_mstats[ZCIT_MS_REJECTS]);
	if (reason != ISCSI_REASON_DATA_DIGEST_ERROR)
		return;
	atomic64_inc(&zcit_mstats[ZCIT_MS_DATA_DIGEST_REJECTS]);
	zcit_conn_count(conn, ZCIT_SS_DIGEST, 1);
}

/**
 * zcit_stat_conn_end() - count how a connection ended
 * @conn: the connection, in its io work, at its first zcit_conn_fail()
 * @why: why it ends
 * @text: @why in words
 *
 * A login a target of ours was resolved for that ends without a refusal
 * is a failed login: abandoned by the initiator (closed, stalled, a bad
 * PDU) a negotiation failure, as in iscsi_target_mod; ended by the target
 * (TPG closed, no memory) another failure.  It gets its log line here; a
 * normal session's connection that ends on a digest error, a timeout or
 * a malformed PDU is a session error (iscsi_sess_err/).
 */
void zcit_stat_conn_end(struct zcit_conn *conn, enum zcit_conn_why why,
			const char *text)
{
	struct zcit_login *l = conn->login;
	struct zcit_sess *sess = conn->sess;

	atomic64_inc(&zcit_closed[why]);
	if (l) {
		if (!conn->tpg || why == ZCIT_WHY_LOGIN_REFUSED || l->status)
			return;
		zcit_stat_login_fail(conn->tpg->tiqn,
				     why == ZCIT_WHY_CLOSED ||
				     why == ZCIT_WHY_NOMEM ?
				     ZCIT_LS_TARGET_ERR : ZCIT_LS_INIT_ERR,
				     l->initiator_name, &conn->peer);
		/* A timeout has its line (conn_timer.c), with the names. */
		if (why != ZCIT_WHY_LOGIN_TIMEOUT)
			zcit_hit(ZCIT_HIT_LOGIN_FAILED, &conn->peer,
				 ": %s to %s: %s during login",
				 l->initiator_name, l->target_name, text);
		return;
	}
	if (!sess || !sess->tpg)
		return;
	switch (why) {
	case ZCIT_WHY_HDR_DIGEST:
		zcit_conn_count(conn, ZCIT_SS_DIGEST, 1);
		fallthrough;
	case ZCIT_WHY_DATA_DIGEST:
		zcit_stat_sess_error(sess, ZCIT_SESS_ERR_DIGEST);
		break;
	case ZCIT_WHY_NOPIN_TIMEOUT:
	case ZCIT_WHY_DATAOUT_TIMEOUT:
		zcit_conn_count(conn, ZCIT_SS_TIMEOUT, 1);
		zcit_stat_sess_error(sess, ZCIT_SESS_ERR_CXN_TIMEOUT);
		break;
	case ZCIT_WHY_BAD_PDU:
	case ZCIT_WHY_PROTOCOL:
		zcit_stat_sess_error(sess, ZCIT_SESS_ERR_FORMAT);
		break;
	default:
		break;
	}
}
