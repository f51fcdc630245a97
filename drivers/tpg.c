// SPDX-License-Identifier: GPL-2.0
/*
 * zcit LIO glue: targets, TPGs, network portals and node ACLs, the objects
 * behind LIO's configfs directories.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/idr.h>
#include <scsi/scsi_proto.h>
#include <target/target_core_base.h>
#include <target/target_core_fabric.h>
#include <zcit/zcit.h>
#include <zcit/conn.h>
#include <zcit/cmd.h>

/* Target instance indexes, from 0 like iscsi_target_mod's (RFC 4544). */
static DEFINE_IDA(zcit_tiqn_ida);
LIST_HEAD(zcit_tiqns);

/* Connections of @tpg (@unserved: only those no portal serves now). */
static bool zcit_tpg_has_conns(struct zcit_tpg *tpg, bool unserved)
{
	struct zcit_conn *conn;
	bool found = false;

	spin_lock_bh(&tpg->conn_lock);
	list_for_each_entry(conn, &tpg->conns, tpg_node)
		if (!unserved || conn->unserved) {
			found = true;
			break;
		}
	spin_unlock_bh(&tpg->conn_lock);
	return found;
}

/*
 * Ask (@ask) the connections of @tpg (@unserved: only those no portal
 * serves now) in Full Feature Phase to log out, or close them all.
 * Return: whether any was asked.
 */
static bool zcit_tpg_end_conns(struct zcit_tpg *tpg, bool unserved, bool ask)
{
	struct zcit_conn *conn;
	bool asked = false;

	spin_lock_bh(&tpg->conn_lock);
	list_for_each_entry(conn, &tpg->conns, tpg_node) {
		if (unserved && !conn->unserved)
			continue;
		if (!ask) {
			zcit_conn_drop(conn);
		} else if (zcit_conn_state(conn) == ZCIT_CONN_FFP) {
			zcit_conn_ask_logout(conn);
			asked = true;
		}
	}
	spin_unlock_bh(&tpg->conn_lock);
	return asked;
}

struct zcit_tpg_held {
	const struct zcit_tpg *tpg;
	bool unserved;
	char who[ZCIT_ISCSI_NAME_MAX + 16];
};

/* zcit_conn_each(): the connection, if it is one of the TPG's closing. */
static void zcit_tpg_held_one(struct zcit_conn *conn, void *arg)
{
	const struct zcit_tpg_held *h = arg;

	if (READ_ONCE(conn->tpg) == h->tpg &&
	    (!h->unserved || READ_ONCE(conn->unserved)))
		zcit_cmd_report_held(conn, h->who);
}

/* Log the commands LIO core still holds for the TPG's closed connections. */
static void zcit_tpg_report_held(struct zcit_tpg *tpg, bool unserved)
{
	struct zcit_tpg_held h = { .tpg = tpg, .unserved = unserved };

	snprintf(h.who, sizeof(h.who), "%s tpgt %u", tpg->tiqn->name,
		 tpg->tpgt);
	zcit_conn_each(zcit_tpg_held_one, &h);
}

/**
 * zcit_tpg_close_conns() - close the connections of a TPG and wait
 * @tpg: the TPG
 * @unserved: only those marked unserved (a portal was removed and none of
 *	the TPG's other portals serves the address they arrived on), or
 *	false for all (then new logins can no longer resolve to @tpg)
 *
 * Initiators in Full Feature Phase are first asked to log out (RFC 7143
 * 11.9.1, AsyncEvent 1) and given ZCIT_ASYNC_LOGOUT_WAIT seconds; what is
 * left then is closed.  Called without zcit_cfg_mutex: the connections'
 * release may need it.
 */
void zcit_tpg_close_conns(struct zcit_tpg *tpg, bool unserved)
{
	if (zcit_tpg_end_conns(tpg, unserved, true))
		wait_event_timeout(tpg->conn_wq,
				   !zcit_tpg_has_conns(tpg, unserved),
				   (ZCIT_ASYNC_LOGOUT_WAIT + 1) * HZ);
	zcit_tpg_end_conns(tpg, unserved, false);
	/*
	 * zcit_sess_release_conn() wakes us with conn_lock held, and the
	 * check takes it: once it says "none", no waker is inside @tpg.
	 * A connection stays until LIO core releases its last command: a
	 * slow backend keeps it.  Say which commands every few seconds
	 * (the wake-ups also keep the hung task detector quiet).
	 */
	while (!wait_event_timeout(tpg->conn_wq,
				   !zcit_tpg_has_conns(tpg, unserved),
				   ZCIT_HELD_REPORT_SECS * HZ))
		zcit_tpg_report_held(tpg, unserved);
}

/**
 * zcit_make_tiqn() - mkdir target/iscsi/<name>
 * @tf: LIO's fabric
 * @group: the parent group
 * @name: the target name
 *
 * Return: the new target's &struct se_wwn, or an ERR_PTR.
 */
struct se_wwn *zcit_make_tiqn(struct target_fabric_configfs *tf,
			      struct config_group *group, const char *name)
{
	struct zcit_tiqn *tiqn;
	int index;

	if (zcit_check_iscsi_name(name)) {
		pr_err("not a valid iSCSI name: \"%s\"\n", name);
		return ERR_PTR(-EINVAL);
	}
	tiqn = kzalloc(sizeof(*tiqn), GFP_KERNEL);
	if (!tiqn)
		return ERR_PTR(-ENOMEM);
	index = ida_alloc(&zcit_tiqn_ida, GFP_KERNEL);
	if (index < 0) {
		kfree(tiqn);
		return ERR_PTR(index);
	}
	tiqn->index = index;
	strscpy(tiqn->name, name, sizeof(tiqn->name));
	INIT_LIST_HEAD(&tiqn->tpgs);
	zcit_stat_init_tiqn(tiqn);
	mutex_lock(&zcit_cfg_mutex);
	list_add_tail(&tiqn->node, &zcit_tiqns);
	mutex_unlock(&zcit_cfg_mutex);
	pr_debug("target %s created\n", tiqn->name);
	return &tiqn->wwn;
}

/**
 * zcit_drop_tiqn() - rmdir target/iscsi/<name>
 * @wwn: the target; LIO has already dropped its TPGs
 */
void zcit_drop_tiqn(struct se_wwn *wwn)
{
	struct zcit_tiqn *tiqn = to_zcit_tiqn(wwn);

	mutex_lock(&zcit_cfg_mutex);
	list_del(&tiqn->node);
	mutex_unlock(&zcit_cfg_mutex);
	WARN_ON(!list_empty(&tiqn->tpgs));
	pr_debug("target %s removed\n", tiqn->name);
	ida_free(&zcit_tiqn_ida, tiqn->index);
	kfree(tiqn);
}

static void zcit_tpg_set_defaults(struct zcit_tpg *tpg)
{
	int i;

	for (i = 0; i < ZCIT_NR_TPG_ATTRS; i++)
		tpg->attrib[i] = zcit_tpg_attrs[i].def;
	zcit_params_init(&tpg->params);
	/* Keep AuthMethod consistent with attrib/authentication. */
	zcit_params_set_authentication(&tpg->params,
				       tpg->attrib[ZCIT_TA_AUTHENTICATION]);
}

/**
 * zcit_make_tpg() - mkdir target/iscsi/<name>/tpgt_<N>
 * @wwn: the target
 * @name: "tpgt_" and the tag
 *
 * Return: the TPG's &struct se_portal_group, or an ERR_PTR.
 */
struct se_portal_group *zcit_make_tpg(struct se_wwn *wwn, const char *name)
{
	struct zcit_tiqn *tiqn = to_zcit_tiqn(wwn);
	struct zcit_tpg *tpg, *other;
	u16 tpgt;
	int ret;

	if (zcit_parse_tpgt(name, &tpgt)) {
		pr_err("TPG directory must be tpgt_<0-65535>, not \"%s\"\n",
		       name);
		return ERR_PTR(-EINVAL);
	}
	tpg = kzalloc(sizeof(*tpg), GFP_KERNEL);
	if (!tpg)
		return ERR_PTR(-ENOMEM);
	tpg->tiqn = tiqn;
	tpg->tpgt = tpgt;
	mutex_init(&tpg->lock);
	mutex_init(&tpg->auth.lock);
	INIT_LIST_HEAD(&tpg->portals);
	spin_lock_init(&tpg->conn_lock);
	INIT_LIST_HEAD(&tpg->conns);
	INIT_LIST_HEAD(&tpg->sessions);
	init_waitqueue_head(&tpg->conn_wq);
	zcit_tpg_set_defaults(tpg);

	mutex_lock(&zcit_cfg_mutex);
	list_for_each_entry(other, &tiqn->tpgs, node) {
		if (other->tpgt == tpgt) {
			ret = -EEXIST;
			goto err_unlock;
		}
	}
	ret = core_tpg_register(wwn, &tpg->se_tpg, SCSI_PROTOCOL_ISCSI);
	if (ret < 0)
		goto err_unlock;
	list_add_tail(&tpg->node, &tiqn->tpgs);
	mutex_unlock(&zcit_cfg_mutex);
	pr_debug("%s: TPG %u created\n", tiqn->name, tpgt);
	return &tpg->se_tpg;

err_unlock:
	mutex_unlock(&zcit_cfg_mutex);
	kfree(tpg);
	return ERR_PTR(ret);
}

/**
 * zcit_enable_tpg() - write to tpgt_N/enable
 * @se_tpg: the TPG
 * @enable: the new state
 *
 * Return: 0.
 */
int zcit_enable_tpg(struct se_portal_group *se_tpg, bool enable)
{
	struct zcit_tpg *tpg = to_zcit_tpg(se_tpg);

	mutex_lock(&zcit_cfg_mutex);
	WRITE_ONCE(tpg->enabled, enable);
	mutex_unlock(&zcit_cfg_mutex);
	/* As iscsi_target_mod: disabling a TPG ends its sessions. */
	if (!enable)
		zcit_tpg_close_conns(tpg, false);
	pr_debug("%s: TPG %u %s\n", tpg->tiqn->name, tpg->tpgt,
		 enable ? "enabled" : "disabled");
	return 0;
}

/**
 * zcit_drop_tpg() - rmdir tpgt_N; LIO has dropped its portals, LUNs, ACLs
 * @se_tpg: the TPG
 */
void zcit_drop_tpg(struct se_portal_group *se_tpg)
{
	struct zcit_tpg *tpg = to_zcit_tpg(se_tpg);

	mutex_lock(&zcit_cfg_mutex);
	tpg->enabled = false;
	tpg->dying = true;
	list_del(&tpg->node);
	mutex_unlock(&zcit_cfg_mutex);
	/* Outside the mutex: a connection's release may need it. */
	zcit_tpg_close_conns(tpg, false);
	WARN_ON(!list_empty(&tpg->portals));
	core_tpg_deregister(se_tpg);
	pr_debug("%s: TPG %u removed\n", tpg->tiqn->name, tpg->tpgt);
	kfree(tpg);
}

/*
 * The TPG of @tiqn with @addr itself as a portal (make_np's check;
 * [::ffff:a.b.c.d]:p is a.b.c.d:p).
 */
static struct zcit_tpg *zcit_tiqn_find_tpg(struct zcit_tiqn *tiqn,
					   const struct sockaddr_storage *addr)
{
	struct sockaddr_storage key = *addr;
	struct zcit_tpg *tpg;
	struct zcit_tpg_np *np;

	lockdep_assert_held(&zcit_cfg_mutex);
	zcit_sockaddr_unmap(&key);
	list_for_each_entry(tpg, &tiqn->tpgs, node)
		list_for_each_entry(np, &tpg->portals, node)
			if (zcit_portal_match(zcit_portal_addr(np->portal),
					      &key) == ZCIT_PORTAL_EXACT)
				return tpg;
	return NULL;
}

/* How well the best portal of @tpg serves @local (0: not at all). */
static int zcit_tpg_serves(struct zcit_tpg *tpg,
			   const struct sockaddr_storage *local)
{
	struct zcit_tpg_np *np;
	int best = 0;

	list_for_each_entry(np, &tpg->portals, node)
		best = max(best, zcit_portal_match(zcit_portal_addr(np->portal),
						   local));
	return best;
}

/**
 * zcit_tiqn_route() - the TPG of a target a login arriving on @local reaches
 * @tiqn: the target
 * @local: the address the connection arrived on (&zcit_conn.local)
 *
 * A TPG serves @local when one of its portals is that address, the
 * wildcard of its family, or [::] (dual-stack) for IPv4.  When several
 * TPGs of the target serve it (0.0.0.0:3260 in one, 10.0.0.1:3260 in
 * another), the most specific portal wins: the address itself, then the
 * family's wildcard, then [::].  Two TPGs of one target never share an
 * address (zcit_make_np()), so the answer is unique.
 *
 * Called with zcit_cfg_mutex held.
 *
 * Return: the TPG, or NULL if no TPG of @tiqn serves @local.
 */
struct zcit_tpg *zcit_tiqn_route(struct zcit_tiqn *tiqn,
				 const struct sockaddr_storage *local)
{
	struct zcit_tpg *tpg, *found = NULL;
	int best = 0, m;

	lockdep_assert_held(&zcit_cfg_mutex);
	list_for_each_entry(tpg, &tiqn->tpgs, node) {
		m = zcit_tpg_serves(tpg, local);
		if (m > best) {
			best = m;
			found = tpg;
		}
	}
	return found;
}

struct se_tpg_np *zcit_make_np(struct se_portal_group *se_tpg,
			       struct config_group *group, const char *name)
{
	struct zcit_tpg *tpg = to_zcit_tpg(se_tpg);
	struct sockaddr_storage addr;
	struct zcit_tpg_np *np;
	struct zcit_portal *portal;
	int ret;

	ret = zcit_parse_portal(name, &addr);
	if (ret) {
		pr_err("network portal must be IPv4:port or [IPv6]:port, not \"%s\"\n",
		       name);
		return ERR_PTR(ret);
	}
	np = kzalloc(sizeof(*np), GFP_KERNEL);
	if (!np)
		return ERR_PTR(-ENOMEM);
	np->tpg = tpg;

	mutex_lock(&zcit_cfg_mutex);
	if (zcit_tiqn_find_tpg(tpg->tiqn, &addr)) {
		/* LIO core reports every make_np failure as -EINVAL: say why. */
		pr_err("%s: %pISpc is already a portal of another TPG of this target\n",
		       tpg->tiqn->name, &addr);
		ret = -EEXIST;
		goto err_unlock;
	}
	portal = zcit_portal_get(&addr);
	if (IS_ERR(portal)) {
		ret = PTR_ERR(portal);
		goto err_unlock;
	}
	np->portal = portal;
	list_add_tail(&np->node, &tpg->portals);
	tpg->tiqn->nr_portals++;
	mutex_unlock(&zcit_cfg_mutex);
	return &np->se_tpg_np;

err_unlock:
	mutex_unlock(&zcit_cfg_mutex);
	kfree(np);
	return ERR_PTR(ret);
}

/**
 * zcit_drop_np() - rmdir tpgt_N/np/<addr>
 * @se_tpg_np: the portal
 */
void zcit_drop_np(struct se_tpg_np *se_tpg_np)
{
	struct zcit_tpg_np *np =
		container_of(se_tpg_np, struct zcit_tpg_np, se_tpg_np);

	struct zcit_tpg *tpg = np->tpg;
	struct zcit_conn *conn;

	mutex_lock(&zcit_cfg_mutex);
	list_del(&np->node);
	tpg->tiqn->nr_portals--;
	zcit_portal_put(np->portal);
	/*
	 * Only connections no remaining portal of the TPG serves go: one that
	 * came in on 10.0.0.1 stays when 10.0.0.1:3260 is removed but
	 * 0.0.0.0:3260 still serves it.  Other TPGs are not touched.
	 */
	spin_lock_bh(&tpg->conn_lock);
	list_for_each_entry(conn, &tpg->conns, tpg_node)
		if (!zcit_tpg_serves(tpg, &conn->local))
			conn->unserved = true;
	spin_unlock_bh(&tpg->conn_lock);
	mutex_unlock(&zcit_cfg_mutex);
	/* They are asked to log out, then closed. */
	zcit_tpg_close_conns(tpg, true);
	kfree(np);
}

/**
 * zcit_set_default_node_attributes() - defaults of a new node ACL
 * @se_nacl: the ACL, explicit or generated in demo mode
 */
void zcit_set_default_node_attributes(struct se_node_acl *se_nacl)
{
	struct zcit_nacl *nacl = to_zcit_nacl(se_nacl);
	struct zcit_tpg *tpg = to_zcit_tpg(se_nacl->se_tpg);
	int i;

	mutex_init(&nacl->auth.lock);
	for (i = 0; i < ZCIT_NR_NACL_ATTRS; i++)
		nacl->attrib[i] = zcit_nacl_attrs[i].def;
	/* As iscsi_target_mod: the ACL's ERL starts from the TPG's. */
	nacl->attrib[ZCIT_NA_DEFAULT_ERL] =
		READ_ONCE(tpg->attrib[ZCIT_TA_DEFAULT_ERL]);
}

/**
 * zcit_init_nodeacl() - mkdir tpgt_N/acls/<initiator>
 * @se_nacl: the ACL
 * @name: the initiator name
 *
 * Return: 0, or -EINVAL for a malformed initiator name.
 */
int zcit_init_nodeacl(struct se_node_acl *se_nacl, const char *name)
{
	if (zcit_check_iscsi_name(name)) {
		pr_err("not a valid iSCSI initiator name: \"%s\"\n", name);
		return -EINVAL;
	}
	zcit_stat_init_nacl_group(to_zcit_nacl(se_nacl));
	return 0;
}
