// SPDX-License-Identifier: GPL-2.0
/*
 * zcit LIO glue: fabric_statistics/ groups (the iSCSI MIB of RFC 4544 as
 * iscsi_target_mod lays it out under configfs).
 *
 * The counters are kept by the login and session layers; until those
 * count anything, every counter reads 0 and the session table is empty.
 */
#include <linux/kernel.h>
#include <linux/configfs.h>
#include <linux/socket.h>
#include <linux/sysfs.h>
#include <target/target_core_base.h>
#include <zcit/zcit.h>

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
ZCIT_STAT_CONST(zcit_stat_instance_, fail_sess, 0);
ZCIT_STAT_CONST(zcit_stat_instance_, fail_type, 0);
ZCIT_STAT_STR(zcit_stat_instance_, fail_rem_name, "None");
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
ZCIT_STAT_CONST(zcit_stat_sess_err_, digest_errors, 0);
ZCIT_STAT_CONST(zcit_stat_sess_err_, cxn_errors, 0);
ZCIT_STAT_CONST(zcit_stat_sess_err_, format_errors, 0);

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
ZCIT_STAT_CONST(zcit_stat_tgt_attr_, login_fails, 0);
ZCIT_STAT_CONST(zcit_stat_tgt_attr_, last_fail_time, 0);
ZCIT_STAT_CONST(zcit_stat_tgt_attr_, last_fail_type, 0);
ZCIT_STAT_STR(zcit_stat_tgt_attr_, fail_intr_name, "None");
static ssize_t zcit_stat_tgt_attr_fail_intr_addr_type_show(struct config_item *item,
							   char *page)
{
	return sysfs_emit(page, "%s\n",
			  tgt_attr_tiqn(item)->last_fail_addr.ss_family ==
			  AF_INET6 ? "ipv6" : "ipv4");
}
CONFIGFS_ATTR_RO(zcit_stat_tgt_attr_, fail_intr_addr_type);

/* With no failure yet, %pISc prints "(einval)", as iscsi_target_mod shows. */
static ssize_t zcit_stat_tgt_attr_fail_intr_addr_show(struct config_item *item,
						      char *page)
{
	return sysfs_emit(page, "%pISc\n", &tgt_attr_tiqn(item)->last_fail_addr);
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
ZCIT_STAT_CONST(zcit_stat_login_, accepts, 0);
ZCIT_STAT_CONST(zcit_stat_login_, other_fails, 0);
ZCIT_STAT_CONST(zcit_stat_login_, redirects, 0);
ZCIT_STAT_CONST(zcit_stat_login_, authorize_fails, 0);
ZCIT_STAT_CONST(zcit_stat_login_, authenticate_fails, 0);
ZCIT_STAT_CONST(zcit_stat_login_, negotiate_fails, 0);

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
ZCIT_STAT_CONST(zcit_stat_logout_, normal_logouts, 0);
ZCIT_STAT_CONST(zcit_stat_logout_, abnormal_logouts, 0);

static struct configfs_attribute *zcit_stat_logout_attrs[] = {
	&zcit_stat_logout_attr_inst,
	&zcit_stat_logout_attr_indx,
	&zcit_stat_logout_attr_normal_logouts,
	&zcit_stat_logout_attr_abnormal_logouts,
	NULL,
};

/*
 * acls/<initiator>/fabric_statistics/iscsi_sess_stats/: a row per active
 * session; with none, every file is empty, as in iscsi_target_mod.
 */
#define ZCIT_STAT_SESS(name)						\
static ssize_t zcit_stat_sess_##name##_show(struct config_item *item,	\
					    char *page)			\
{									\
	return 0;							\
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

ZCIT_STAT_SESS(node);
ZCIT_STAT_SESS(indx);
ZCIT_STAT_SESS(cmd_pdus);
ZCIT_STAT_SESS(rsp_pdus);
ZCIT_STAT_SESS(txdata_octs);
ZCIT_STAT_SESS(rxdata_octs);
ZCIT_STAT_SESS(conn_digest_errors);
ZCIT_STAT_SESS(conn_timeout_errors);

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
