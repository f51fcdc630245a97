// SPDX-License-Identifier: GPL-2.0
/*
 * zcit LIO glue: configfs attributes.
 *
 * The names, permissions and value formats are iscsi_target_mod's, so that
 * targetcli-fb, rtslib-fb and saved configurations work unchanged.  Every
 * store validates its input, keeps the old value on error, and accepts
 * the text its show produced.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/capability.h>
#include <linux/configfs.h>
#include <linux/sysfs.h>
#include <linux/cpumask.h>
#include <target/target_core_base.h>
#include <target/target_core_fabric.h>
#include <zcit/zcit.h>
#include <zcit/conn.h>
#include <zcit/session.h>
#include <zcit/compat.h>

/* Parse "0" or "1" (as kstrtou32 reads them), the way LIO's flags are. */
static int zcit_parse_flag(const char *page, bool *on)
{
	u32 v;
	int ret;

	ret = kstrtou32(page, 0, &v);
	if (ret)
		return ret;
	if (v > 1)
		return -EINVAL;
	*on = v;
	return 0;
}

/* ---- target/iscsi/: lio_version, cpus_allowed_list ---- */

static ssize_t zcit_wwn_lio_version_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%s\n", "zcit iSCSI Target " ZCIT_VERSION);
}
CONFIGFS_ATTR_RO(zcit_wwn_, lio_version);

static ssize_t zcit_wwn_cpus_allowed_list_show(struct config_item *item,
					       char *page)
{
	return sysfs_emit(page, "%*pbl\n",
			  cpumask_pr_args(zcit_global.allowed_cpus));
}

static ssize_t zcit_wwn_cpus_allowed_list_store(struct config_item *item,
						const char *page, size_t count)
{
	cpumask_var_t mask;
	int ret;

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	ret = cpulist_parse(page, mask);
	if (!ret && !cpumask_intersects(mask, cpu_possible_mask))
		ret = -EINVAL;
	if (!ret) {
		mutex_lock(&zcit_cfg_mutex);
		cpumask_copy(zcit_global.allowed_cpus, mask);
		mutex_unlock(&zcit_cfg_mutex);
		zcit_conn_cpus_changed();
	}
	free_cpumask_var(mask);
	return ret ? ret : count;
}
CONFIGFS_ATTR(zcit_wwn_, cpus_allowed_list);

struct configfs_attribute *zcit_wwn_attrs[] = {
	&zcit_wwn_attr_lio_version,
	&zcit_wwn_attr_cpus_allowed_list,
	NULL,
};

/* ---- CHAP credentials: discovery_auth/, tpgt_N/auth/, acls/X/auth/ ---- */

static ssize_t zcit_auth_show(struct zcit_auth_cfg *c, enum zcit_auth_field f,
			      char *page)
{
	ssize_t ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	mutex_lock(&c->lock);
	ret = sysfs_emit(page, "%s\n", zcit_auth_value(&c->auth, f));
	mutex_unlock(&c->lock);
	return ret;
}

static ssize_t zcit_auth_write(struct zcit_auth_cfg *c, enum zcit_auth_field f,
			       const char *page, size_t count)
{
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	mutex_lock(&c->lock);
	ret = zcit_auth_store(&c->auth, f, page, count);
	mutex_unlock(&c->lock);
	return ret ? ret : count;
}

static ssize_t zcit_auth_target_show(struct zcit_auth_cfg *c, char *page)
{
	ssize_t ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	mutex_lock(&c->lock);
	ret = sysfs_emit(page, "%d\n", zcit_auth_mutual(&c->auth));
	mutex_unlock(&c->lock);
	return ret;
}

/*
 * One CHAP credential file of an owner (discovery, TPG or ACL) whose
 * credentials prefix##get() returns.
 */
#define ZCIT_AUTH_STR(prefix, field, F)					\
static const enum zcit_auth_field prefix##field##_f = F;	\
static ssize_t prefix##field##_show(struct config_item *item, char *page) \
{									\
	return zcit_auth_show(prefix##get(item), prefix##field##_f, page); \
}									\
static ssize_t prefix##field##_store(struct config_item *item,		\
				     const char *page, size_t count)	\
{									\
	return zcit_auth_write(prefix##get(item), prefix##field##_f,	\
			       page, count);				\
}									\
CONFIGFS_ATTR(prefix, field)

/* authenticate_target: 1 when mutual CHAP is configured. */
#define ZCIT_AUTH_TARGET(prefix)					\
static ssize_t prefix##authenticate_target_show(struct config_item *item, \
						char *page)		\
{									\
	return zcit_auth_target_show(prefix##get(item), page);		\
}									\
CONFIGFS_ATTR_RO(prefix, authenticate_target)

/* discovery_auth/ */
static struct zcit_auth_cfg *zcit_disc_get(struct config_item *item)
{
	return &zcit_global.disc_auth;
}

ZCIT_AUTH_STR(zcit_disc_, userid, ZCIT_AUTH_F_USERID);
ZCIT_AUTH_STR(zcit_disc_, password, ZCIT_AUTH_F_PASSWORD);
ZCIT_AUTH_STR(zcit_disc_, userid_mutual, ZCIT_AUTH_F_USERID_MUTUAL);
ZCIT_AUTH_STR(zcit_disc_, password_mutual, ZCIT_AUTH_F_PASSWORD_MUTUAL);
ZCIT_AUTH_TARGET(zcit_disc_);

static ssize_t zcit_disc_enforce_discovery_auth_show(struct config_item *item,
						     char *page)
{
	return sysfs_emit(page, "%d\n", READ_ONCE(zcit_global.enforce_disc_auth));
}

static ssize_t zcit_disc_enforce_discovery_auth_store(struct config_item *item,
						      const char *page,
						      size_t count)
{
	bool val;
	int ret;

	ret = zcit_parse_flag(page, &val);
	if (ret)
		return ret;
	WRITE_ONCE(zcit_global.enforce_disc_auth, val);
	return count;
}
CONFIGFS_ATTR(zcit_disc_, enforce_discovery_auth);

struct configfs_attribute *zcit_discovery_attrs[] = {
	&zcit_disc_attr_userid,
	&zcit_disc_attr_password,
	&zcit_disc_attr_authenticate_target,
	&zcit_disc_attr_userid_mutual,
	&zcit_disc_attr_password_mutual,
	&zcit_disc_attr_enforce_discovery_auth,
	NULL,
};

/* ---- tpgt_N/: dynamic_sessions (enable is LIO core's) ---- */

static ssize_t zcit_tpg_dynamic_sessions_show(struct config_item *item,
					      char *page)
{
	return target_show_dynamic_sessions(to_tpg(item), page);
}
CONFIGFS_ATTR_RO(zcit_tpg_, dynamic_sessions);

struct configfs_attribute *zcit_tpg_base_attrs[] = {
	&zcit_tpg_attr_dynamic_sessions,
	NULL,
};

/*
 * zcit_attr_use() - apply &zcit_attr_desc.use to a parsed attribute write
 * @d: the attribute
 * @v: the value
 * @owner: the TPG ("<iqn> tpgt <n>") or ACL ("<iqn> acl <initiator>")
 * @warned: one bit per attribute of its kind: warn once per module load
 * @bit: this attribute's bit
 *
 * Return: 0 to store @v, -EINVAL to refuse it.
 */
static int zcit_attr_use(const struct zcit_attr_desc *d, s32 v,
			 const char *owner, unsigned long *warned, int bit)
{
	const char *why = zcit_attr_unhonoured(d, v);

	if (!why)
		return 0;
	if (d->use == ZCIT_AU_REFUSE) {
		pr_warn("%s: attrib/%s=%d refused: %s\n", owner, d->name, v,
			why);
		return -EINVAL;
	}
	if (!test_and_set_bit(bit, warned))
		pr_warn("%s: attrib/%s=%d accepted, with no effect: %s (warned once)\n",
			owner, d->name, v, why);
	return 0;
}

/* ---- tpgt_N/attrib/ ---- */

static ssize_t zcit_tpg_attrib_show(struct config_item *item, char *page,
				    enum zcit_tpg_attr a)
{
	struct zcit_tpg *tpg = to_zcit_tpg(attrib_to_tpg(item));

	return sysfs_emit(page, "%u\n", (u32)READ_ONCE(tpg->attrib[a]));
}

static ssize_t zcit_tpg_attrib_store(struct config_item *item,
				     const char *page, size_t count,
				     enum zcit_tpg_attr a)
{
	struct zcit_tpg *tpg = to_zcit_tpg(attrib_to_tpg(item));
	s32 val;
	int ret;

	static unsigned long warned;
	char owner[ZCIT_ISCSI_NAME_MAX + 16];

	ret = zcit_attr_parse(&zcit_tpg_attrs[a], page, &val);
	if (ret)
		return ret;
	snprintf(owner, sizeof(owner), "%s tpgt %u", tpg->tiqn->name,
		 tpg->tpgt);
	ret = zcit_attr_use(&zcit_tpg_attrs[a], val, owner, &warned, a);
	if (ret)
		return ret;

	mutex_lock(&tpg->lock);
	switch (a) {
	case ZCIT_TA_AUTHENTICATION:
		/* AuthMethod follows: None is dropped or added back. */
		ret = zcit_params_set_authentication(&tpg->params, val);
		break;
	case ZCIT_TA_GENERATE_NODE_ACLS:
		/* Demo mode needs its generated ACLs cached (LIO's rule). */
		if (val)
			WRITE_ONCE(tpg->attrib[ZCIT_TA_CACHE_DYNAMIC_ACLS], 1);
		break;
	case ZCIT_TA_CACHE_DYNAMIC_ACLS:
		/* ... and silently keeps them cached while on. */
		if (!val && tpg->attrib[ZCIT_TA_GENERATE_NODE_ACLS])
			val = 1;
		break;
	default:
		break;
	}
	if (!ret)
		WRITE_ONCE(tpg->attrib[a], val);
	mutex_unlock(&tpg->lock);
	return ret ? ret : count;
}

#define ZCIT_TPG_ATTRIB(name, A)					\
static const enum zcit_tpg_attr zcit_tpg_attrib_##name##_a = A;				\
static ssize_t zcit_tpg_attrib_##name##_show(struct config_item *item,	\
					     char *page)		\
{									\
	return zcit_tpg_attrib_show(item, page,				\
				    zcit_tpg_attrib_##name##_a);	\
}									\
static ssize_t zcit_tpg_attrib_##name##_store(struct config_item *item,	\
					      const char *page,		\
					      size_t count)		\
{									\
	return zcit_tpg_attrib_store(item, page, count,			\
				     zcit_tpg_attrib_##name##_a);	\
}									\
CONFIGFS_ATTR(zcit_tpg_attrib_, name)

ZCIT_TPG_ATTRIB(authentication, ZCIT_TA_AUTHENTICATION);
ZCIT_TPG_ATTRIB(login_timeout, ZCIT_TA_LOGIN_TIMEOUT);
#if ZCIT_TPG_NETIF_TIMEOUT
ZCIT_TPG_ATTRIB(netif_timeout, ZCIT_TA_NETIF_TIMEOUT);
#endif
ZCIT_TPG_ATTRIB(generate_node_acls, ZCIT_TA_GENERATE_NODE_ACLS);
ZCIT_TPG_ATTRIB(default_cmdsn_depth, ZCIT_TA_DEFAULT_CMDSN_DEPTH);
ZCIT_TPG_ATTRIB(cache_dynamic_acls, ZCIT_TA_CACHE_DYNAMIC_ACLS);
ZCIT_TPG_ATTRIB(demo_mode_write_protect, ZCIT_TA_DEMO_MODE_WRITE_PROTECT);
ZCIT_TPG_ATTRIB(prod_mode_write_protect, ZCIT_TA_PROD_MODE_WRITE_PROTECT);
ZCIT_TPG_ATTRIB(demo_mode_discovery, ZCIT_TA_DEMO_MODE_DISCOVERY);
ZCIT_TPG_ATTRIB(default_erl, ZCIT_TA_DEFAULT_ERL);
ZCIT_TPG_ATTRIB(t10_pi, ZCIT_TA_T10_PI);
ZCIT_TPG_ATTRIB(fabric_prot_type, ZCIT_TA_FABRIC_PROT_TYPE);
ZCIT_TPG_ATTRIB(tpg_enabled_sendtargets, ZCIT_TA_TPG_ENABLED_SENDTARGETS);
ZCIT_TPG_ATTRIB(login_keys_workaround, ZCIT_TA_LOGIN_KEYS_WORKAROUND);

struct configfs_attribute *zcit_tpg_attrib_attrs[] = {
	&zcit_tpg_attrib_attr_authentication,
	&zcit_tpg_attrib_attr_login_timeout,
#if ZCIT_TPG_NETIF_TIMEOUT
	&zcit_tpg_attrib_attr_netif_timeout,
#endif
	&zcit_tpg_attrib_attr_generate_node_acls,
	&zcit_tpg_attrib_attr_default_cmdsn_depth,
	&zcit_tpg_attrib_attr_cache_dynamic_acls,
	&zcit_tpg_attrib_attr_demo_mode_write_protect,
	&zcit_tpg_attrib_attr_prod_mode_write_protect,
	&zcit_tpg_attrib_attr_demo_mode_discovery,
	&zcit_tpg_attrib_attr_default_erl,
	&zcit_tpg_attrib_attr_t10_pi,
	&zcit_tpg_attrib_attr_fabric_prot_type,
	&zcit_tpg_attrib_attr_tpg_enabled_sendtargets,
	&zcit_tpg_attrib_attr_login_keys_workaround,
	NULL,
};

/* ---- tpgt_N/auth/ ---- */

static struct zcit_auth_cfg *zcit_tpg_auth_get(struct config_item *item)
{
	return &to_zcit_tpg(auth_to_tpg(item))->auth;
}

ZCIT_AUTH_STR(zcit_tpg_auth_, userid, ZCIT_AUTH_F_USERID);
ZCIT_AUTH_STR(zcit_tpg_auth_, password, ZCIT_AUTH_F_PASSWORD);
ZCIT_AUTH_STR(zcit_tpg_auth_, userid_mutual, ZCIT_AUTH_F_USERID_MUTUAL);
ZCIT_AUTH_STR(zcit_tpg_auth_, password_mutual, ZCIT_AUTH_F_PASSWORD_MUTUAL);
ZCIT_AUTH_TARGET(zcit_tpg_auth_);

struct configfs_attribute *zcit_tpg_auth_attrs[] = {
	&zcit_tpg_auth_attr_userid,
	&zcit_tpg_auth_attr_password,
	&zcit_tpg_auth_attr_authenticate_target,
	&zcit_tpg_auth_attr_userid_mutual,
	&zcit_tpg_auth_attr_password_mutual,
	NULL,
};

/* ---- tpgt_N/param/ ---- */

static ssize_t zcit_tpg_param_show(struct config_item *item, char *page,
				   enum zcit_key key)
{
	struct zcit_tpg *tpg = to_zcit_tpg(param_to_tpg(item));
	ssize_t ret;

	mutex_lock(&tpg->lock);
	ret = sysfs_emit(page, "%s\n", tpg->params.val[key]);
	mutex_unlock(&tpg->lock);
	return ret;
}

static ssize_t zcit_tpg_param_store(struct config_item *item,
				    const char *page, size_t count,
				    enum zcit_key key)
{
	struct zcit_tpg *tpg = to_zcit_tpg(param_to_tpg(item));
	const char *why;
	int len = min_t(size_t, count, 64);
	int ret;

	if (len && page[len - 1] == '\n')
		len--;
	mutex_lock(&tpg->lock);
	ret = zcit_param_set(&tpg->params, key, page, count, &why);
	mutex_unlock(&tpg->lock);
	if (why)
		pr_warn("%s tpgt %u: param/%s=%.*s refused: %s\n",
			tpg->tiqn->name, tpg->tpgt, zcit_key_name(key), len,
			page, why);
	else if (ret)
		pr_debug("rejected %s=\"%.*s\"\n", zcit_key_name(key), len,
			 page);
	return ret ? ret : count;
}

/*
 * The files are named after RFC 7143 keys (CamelCase); their names come
 * from param.c's key table when the module loads (zcit_configfs_init()).
 */
struct zcit_key_attr {
	struct configfs_attribute attr;
	enum zcit_key key;
};

#define ZCIT_TPG_PARAM(lname, K)					\
static ssize_t zcit_tpg_param_##lname##_show(struct config_item *item,	\
					     char *page);		\
static ssize_t zcit_tpg_param_##lname##_store(struct config_item *item,	\
					      const char *page,		\
					      size_t count);		\
static struct zcit_key_attr zcit_tpg_param_##lname = {			\
	.attr = {							\
		.ca_owner = THIS_MODULE,				\
		.ca_mode = 0644,					\
		.show = zcit_tpg_param_##lname##_show,			\
		.store = zcit_tpg_param_##lname##_store,		\
	},								\
	.key = K,							\
};									\
static ssize_t zcit_tpg_param_##lname##_show(struct config_item *item,	\
					     char *page)		\
{									\
	return zcit_tpg_param_show(item, page,				\
				   zcit_tpg_param_##lname.key);		\
}									\
static ssize_t zcit_tpg_param_##lname##_store(struct config_item *item,	\
					      const char *page,		\
					      size_t count)		\
{									\
	return zcit_tpg_param_store(item, page, count,			\
				    zcit_tpg_param_##lname.key);	\
}

ZCIT_TPG_PARAM(authmethod, ZCIT_KEY_AUTHMETHOD);
ZCIT_TPG_PARAM(headerdigest, ZCIT_KEY_HEADERDIGEST);
ZCIT_TPG_PARAM(datadigest, ZCIT_KEY_DATADIGEST);
ZCIT_TPG_PARAM(maxconnections, ZCIT_KEY_MAXCONNECTIONS);
ZCIT_TPG_PARAM(targetalias, ZCIT_KEY_TARGETALIAS);
ZCIT_TPG_PARAM(initialr2t, ZCIT_KEY_INITIALR2T);
ZCIT_TPG_PARAM(immediatedata, ZCIT_KEY_IMMEDIATEDATA);
ZCIT_TPG_PARAM(maxrecvdatasegmentlength, ZCIT_KEY_MAXRECVDATASEGMENTLENGTH);
ZCIT_TPG_PARAM(maxxmitdatasegmentlength, ZCIT_KEY_MAXXMITDATASEGMENTLENGTH);
ZCIT_TPG_PARAM(maxburstlength, ZCIT_KEY_MAXBURSTLENGTH);
ZCIT_TPG_PARAM(firstburstlength, ZCIT_KEY_FIRSTBURSTLENGTH);
ZCIT_TPG_PARAM(defaulttime2wait, ZCIT_KEY_DEFAULTTIME2WAIT);
ZCIT_TPG_PARAM(defaulttime2retain, ZCIT_KEY_DEFAULTTIME2RETAIN);
ZCIT_TPG_PARAM(maxoutstandingr2t, ZCIT_KEY_MAXOUTSTANDINGR2T);
ZCIT_TPG_PARAM(datapduinorder, ZCIT_KEY_DATAPDUINORDER);
ZCIT_TPG_PARAM(datasequenceinorder, ZCIT_KEY_DATASEQUENCEINORDER);
ZCIT_TPG_PARAM(errorrecoverylevel, ZCIT_KEY_ERRORRECOVERYLEVEL);
ZCIT_TPG_PARAM(ifmarker, ZCIT_KEY_IFMARKER);
ZCIT_TPG_PARAM(ofmarker, ZCIT_KEY_OFMARKER);
ZCIT_TPG_PARAM(ifmarkint, ZCIT_KEY_IFMARKINT);
ZCIT_TPG_PARAM(ofmarkint, ZCIT_KEY_OFMARKINT);

struct configfs_attribute *zcit_tpg_param_attrs[] = {
	&zcit_tpg_param_authmethod.attr,
	&zcit_tpg_param_headerdigest.attr,
	&zcit_tpg_param_datadigest.attr,
	&zcit_tpg_param_maxconnections.attr,
	&zcit_tpg_param_targetalias.attr,
	&zcit_tpg_param_initialr2t.attr,
	&zcit_tpg_param_immediatedata.attr,
	&zcit_tpg_param_maxrecvdatasegmentlength.attr,
	&zcit_tpg_param_maxxmitdatasegmentlength.attr,
	&zcit_tpg_param_maxburstlength.attr,
	&zcit_tpg_param_firstburstlength.attr,
	&zcit_tpg_param_defaulttime2wait.attr,
	&zcit_tpg_param_defaulttime2retain.attr,
	&zcit_tpg_param_maxoutstandingr2t.attr,
	&zcit_tpg_param_datapduinorder.attr,
	&zcit_tpg_param_datasequenceinorder.attr,
	&zcit_tpg_param_errorrecoverylevel.attr,
	&zcit_tpg_param_ifmarker.attr,
	&zcit_tpg_param_ofmarker.attr,
	&zcit_tpg_param_ifmarkint.attr,
	&zcit_tpg_param_ofmarkint.attr,
	NULL,
};

/* ---- np/<addr>/: iser and cxgbit offloads, which zcit does not do ---- */

static ssize_t zcit_np_offload_store(const char *page, size_t count)
{
	bool on;
	int ret;

	ret = zcit_parse_flag(page, &on);
	if (ret)
		return ret;
	/* Only TCP: refuse to turn an offload on, accept turning it off. */
	return on ? -EOPNOTSUPP : count;
}

static ssize_t zcit_np_iser_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "0\n");
}

static ssize_t zcit_np_iser_store(struct config_item *item, const char *page,
				  size_t count)
{
	return zcit_np_offload_store(page, count);
}
CONFIGFS_ATTR(zcit_np_, iser);

static ssize_t zcit_np_cxgbit_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "0\n");
}

static ssize_t zcit_np_cxgbit_store(struct config_item *item,
				    const char *page, size_t count)
{
	return zcit_np_offload_store(page, count);
}
CONFIGFS_ATTR(zcit_np_, cxgbit);

struct configfs_attribute *zcit_np_attrs[] = {
	&zcit_np_attr_iser,
	&zcit_np_attr_cxgbit,
	NULL,
};

/* ---- acls/<initiator>/: info, cmdsn_depth, tag ---- */

static ssize_t zcit_nacl_info_show(struct config_item *item, char *page)
{
	return zcit_sess_info_show(acl_to_nacl(item), page);
}
CONFIGFS_ATTR_RO(zcit_nacl_, info);

static ssize_t zcit_nacl_cmdsn_depth_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%u\n", acl_to_nacl(item)->queue_depth);
}

static ssize_t zcit_nacl_cmdsn_depth_store(struct config_item *item,
					   const char *page, size_t count)
{
	struct se_node_acl *se_nacl = acl_to_nacl(item);
	u32 depth;
	int ret;

	ret = kstrtou32(page, 0, &depth);
	if (ret)
		return ret;
	/* LIO core turns 0 into 1, as with iscsi_target_mod. */
	if (depth > ZCIT_CMDSN_DEPTH_MAX)
		return -EINVAL;
	ret = core_tpg_set_initiator_node_queue_depth(se_nacl, depth);
	return ret ? ret : count;
}
CONFIGFS_ATTR(zcit_nacl_, cmdsn_depth);

static ssize_t zcit_nacl_tag_show(struct config_item *item, char *page)
{
	/* As iscsi_target_mod: the tag as written, no newline added. */
	return snprintf(page, PAGE_SIZE, "%s", acl_to_nacl(item)->acl_tag);
}

static ssize_t zcit_nacl_tag_store(struct config_item *item, const char *page,
				   size_t count)
{
	struct se_node_acl *se_nacl = acl_to_nacl(item);
	int ret;

	ret = core_tpg_set_initiator_node_tag(se_nacl->se_tpg, se_nacl, page);
	return ret < 0 ? ret : count;
}
CONFIGFS_ATTR(zcit_nacl_, tag);

struct configfs_attribute *zcit_nacl_base_attrs[] = {
	&zcit_nacl_attr_info,
	&zcit_nacl_attr_cmdsn_depth,
	&zcit_nacl_attr_tag,
	NULL,
};

/* ---- acls/<initiator>/attrib/ ---- */

static ssize_t zcit_nacl_attrib_show(struct config_item *item, char *page,
				     enum zcit_nacl_attr a)
{
	struct zcit_nacl *nacl = to_zcit_nacl(attrib_to_nacl(item));
	s32 v = READ_ONCE(nacl->attrib[a]);

	/* authentication may be -1 (inherit); the others are unsigned. */
	if (a == ZCIT_NA_AUTHENTICATION)
		return sysfs_emit(page, "%d\n", v);
	return sysfs_emit(page, "%u\n", (u32)v);
}

static ssize_t zcit_nacl_attrib_store(struct config_item *item,
				      const char *page, size_t count,
				      enum zcit_nacl_attr a)
{
	struct zcit_nacl *nacl = to_zcit_nacl(attrib_to_nacl(item));
	s32 val;
	int ret;

	static unsigned long warned;
	char owner[2 * ZCIT_ISCSI_NAME_MAX + 8];

	ret = zcit_attr_parse(&zcit_nacl_attrs[a], page, &val);
	if (ret)
		return ret;
	snprintf(owner, sizeof(owner), "%s acl %s",
		 to_zcit_tpg(nacl->se_nacl.se_tpg)->tiqn->name,
		 nacl->se_nacl.initiatorname);
	ret = zcit_attr_use(&zcit_nacl_attrs[a], val, owner, &warned, a);
	if (ret)
		return ret;
	WRITE_ONCE(nacl->attrib[a], val);
	return count;
}

#define ZCIT_NACL_ATTRIB(name, A)					\
static const enum zcit_nacl_attr zcit_nacl_attrib_##name##_a = A;				\
static ssize_t zcit_nacl_attrib_##name##_show(struct config_item *item,	\
					      char *page)		\
{									\
	return zcit_nacl_attrib_show(item, page,			\
				     zcit_nacl_attrib_##name##_a);	\
}									\
static ssize_t zcit_nacl_attrib_##name##_store(struct config_item *item, \
					       const char *page,	\
					       size_t count)		\
{									\
	return zcit_nacl_attrib_store(item, page, count,		\
				      zcit_nacl_attrib_##name##_a);	\
}									\
CONFIGFS_ATTR(zcit_nacl_attrib_, name)

ZCIT_NACL_ATTRIB(dataout_timeout, ZCIT_NA_DATAOUT_TIMEOUT);
ZCIT_NACL_ATTRIB(dataout_timeout_retries, ZCIT_NA_DATAOUT_TIMEOUT_RETRIES);
ZCIT_NACL_ATTRIB(default_erl, ZCIT_NA_DEFAULT_ERL);
ZCIT_NACL_ATTRIB(nopin_timeout, ZCIT_NA_NOPIN_TIMEOUT);
ZCIT_NACL_ATTRIB(nopin_response_timeout, ZCIT_NA_NOPIN_RESPONSE_TIMEOUT);
ZCIT_NACL_ATTRIB(random_datain_pdu_offsets, ZCIT_NA_RANDOM_DATAIN_PDU_OFFSETS);
ZCIT_NACL_ATTRIB(random_datain_seq_offsets, ZCIT_NA_RANDOM_DATAIN_SEQ_OFFSETS);
ZCIT_NACL_ATTRIB(random_r2t_offsets, ZCIT_NA_RANDOM_R2T_OFFSETS);
ZCIT_NACL_ATTRIB(authentication, ZCIT_NA_AUTHENTICATION);

struct configfs_attribute *zcit_nacl_attrib_attrs[] = {
	&zcit_nacl_attrib_attr_dataout_timeout,
	&zcit_nacl_attrib_attr_dataout_timeout_retries,
	&zcit_nacl_attrib_attr_default_erl,
	&zcit_nacl_attrib_attr_nopin_timeout,
	&zcit_nacl_attrib_attr_nopin_response_timeout,
	&zcit_nacl_attrib_attr_random_datain_pdu_offsets,
	&zcit_nacl_attrib_attr_random_datain_seq_offsets,
	&zcit_nacl_attrib_attr_random_r2t_offsets,
	&zcit_nacl_attrib_attr_authentication,
	NULL,
};

/* ---- acls/<initiator>/auth/ ---- */

static struct zcit_auth_cfg *zcit_nacl_auth_get(struct config_item *item)
{
	return &to_zcit_nacl(auth_to_nacl(item))->auth;
}

ZCIT_AUTH_STR(zcit_nacl_auth_, userid, ZCIT_AUTH_F_USERID);
ZCIT_AUTH_STR(zcit_nacl_auth_, password, ZCIT_AUTH_F_PASSWORD);
ZCIT_AUTH_STR(zcit_nacl_auth_, userid_mutual, ZCIT_AUTH_F_USERID_MUTUAL);
ZCIT_AUTH_STR(zcit_nacl_auth_, password_mutual, ZCIT_AUTH_F_PASSWORD_MUTUAL);
ZCIT_AUTH_TARGET(zcit_nacl_auth_);

struct configfs_attribute *zcit_nacl_auth_attrs[] = {
	&zcit_nacl_auth_attr_userid,
	&zcit_nacl_auth_attr_password,
	&zcit_nacl_auth_attr_authenticate_target,
	&zcit_nacl_auth_attr_userid_mutual,
	&zcit_nacl_auth_attr_password_mutual,
	NULL,
};

/* ---- acls/<initiator>/param/: the negotiated values, read-only ---- */

static ssize_t zcit_nacl_param_show(struct se_node_acl *se_nacl,
				    enum zcit_key key, char *page)
{
	struct zcit_params *p = kmalloc(sizeof(*p), GFP_KERNEL);
	ssize_t ret;

	if (!p)
		return -ENOMEM;
	/* iscsi_target_mod prints every one of these as a number. */
	if (!zcit_sess_nacl_params(se_nacl, p))
		ret = sysfs_emit(page, "No Active iSCSI Session\n");
	else if (!strcmp(p->val[key], "Yes") || !strcmp(p->val[key], "No"))
		ret = sysfs_emit(page, "%u\n", p->val[key][0] == 'Y');
	else
		ret = sysfs_emit(page, "%s\n", p->val[key]);
	kfree(p);
	return ret;
}

#define ZCIT_NACL_PARAM(lname, K)					\
static struct zcit_key_attr zcit_nacl_param_##lname;			\
static ssize_t zcit_nacl_param_##lname##_show(struct config_item *item,	\
					      char *page)		\
{									\
	return zcit_nacl_param_show(param_to_nacl(item),		\
				    zcit_nacl_param_##lname.key, page);	\
}									\
static struct zcit_key_attr zcit_nacl_param_##lname = {			\
	.attr = {							\
		.ca_owner = THIS_MODULE,				\
		.ca_mode = 0444,					\
		.show = zcit_nacl_param_##lname##_show,			\
	},								\
	.key = K,							\
}

ZCIT_NACL_PARAM(maxconnections, ZCIT_KEY_MAXCONNECTIONS);
ZCIT_NACL_PARAM(initialr2t, ZCIT_KEY_INITIALR2T);
ZCIT_NACL_PARAM(immediatedata, ZCIT_KEY_IMMEDIATEDATA);
ZCIT_NACL_PARAM(maxburstlength, ZCIT_KEY_MAXBURSTLENGTH);
ZCIT_NACL_PARAM(firstburstlength, ZCIT_KEY_FIRSTBURSTLENGTH);
ZCIT_NACL_PARAM(defaulttime2wait, ZCIT_KEY_DEFAULTTIME2WAIT);
ZCIT_NACL_PARAM(defaulttime2retain, ZCIT_KEY_DEFAULTTIME2RETAIN);
ZCIT_NACL_PARAM(maxoutstandingr2t, ZCIT_KEY_MAXOUTSTANDINGR2T);
ZCIT_NACL_PARAM(datapduinorder, ZCIT_KEY_DATAPDUINORDER);
ZCIT_NACL_PARAM(datasequenceinorder, ZCIT_KEY_DATASEQUENCEINORDER);
ZCIT_NACL_PARAM(errorrecoverylevel, ZCIT_KEY_ERRORRECOVERYLEVEL);

struct configfs_attribute *zcit_nacl_param_attrs[] = {
	&zcit_nacl_param_maxconnections.attr,
	&zcit_nacl_param_initialr2t.attr,
	&zcit_nacl_param_immediatedata.attr,
	&zcit_nacl_param_maxburstlength.attr,
	&zcit_nacl_param_firstburstlength.attr,
	&zcit_nacl_param_defaulttime2wait.attr,
	&zcit_nacl_param_defaulttime2retain.attr,
	&zcit_nacl_param_maxoutstandingr2t.attr,
	&zcit_nacl_param_datapduinorder.attr,
	&zcit_nacl_param_datasequenceinorder.attr,
	&zcit_nacl_param_errorrecoverylevel.attr,
	NULL,
};

static void zcit_name_key_attrs(struct configfs_attribute **attrs)
{
	for (; *attrs; attrs++) {
		struct zcit_key_attr *ka =
			container_of(*attrs, struct zcit_key_attr, attr);

		ka->attr.ca_name = zcit_key_name(ka->key);
	}
}

/**
 * zcit_configfs_init() - name the attributes called after RFC 7143 keys
 *
 * Must run before the fabric is registered with LIO.
 */
void zcit_configfs_init(void)
{
	zcit_name_key_attrs(zcit_tpg_param_attrs);
	zcit_name_key_attrs(zcit_nacl_param_attrs);
}
