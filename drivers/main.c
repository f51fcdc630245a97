// SPDX-License-Identifier: GPL-2.0
/*
 * zcit: zero-copy iSCSI target fabric for LIO.
 *
 * Module entry points and the target_core_fabric_ops zcit registers with
 * LIO under the fabric name "iscsi", in place of iscsi_target_mod.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/cpumask.h>
#include <target/target_core_base.h>
#include <target/target_core_fabric.h>
#include <zcit/zcit.h>
#include <zcit/compat.h>
#include <zcit/conn.h>
#include <zcit/ffp.h>
#include <zcit/session.h>
#include <zcit/cmd.h>
#include <zcit/limits.h>

struct zcit_global zcit_global;
/* Serialises creation and removal of targets, TPGs and portals. */
DEFINE_MUTEX(zcit_cfg_mutex);

static char *zcit_tpg_get_wwn(struct se_portal_group *se_tpg)
{
	return to_zcit_tpg(se_tpg)->tiqn->name;
}

static u16 zcit_tpg_get_tag(struct se_portal_group *se_tpg)
{
	return to_zcit_tpg(se_tpg)->tpgt;
}

static s32 zcit_tpg_attr(struct se_portal_group *se_tpg, enum zcit_tpg_attr a)
{
	return READ_ONCE(to_zcit_tpg(se_tpg)->attrib[a]);
}

static u32 zcit_tpg_get_default_depth(struct se_portal_group *se_tpg)
{
	return zcit_tpg_attr(se_tpg, ZCIT_TA_DEFAULT_CMDSN_DEPTH);
}

static int zcit_tpg_check_demo_mode(struct se_portal_group *se_tpg)
{
	return zcit_tpg_attr(se_tpg, ZCIT_TA_GENERATE_NODE_ACLS);
}

static int zcit_tpg_check_demo_mode_cache(struct se_portal_group *se_tpg)
{
	return zcit_tpg_attr(se_tpg, ZCIT_TA_CACHE_DYNAMIC_ACLS);
}

static int zcit_tpg_check_demo_mode_write_protect(struct se_portal_group *se_tpg)
{
	return zcit_tpg_attr(se_tpg, ZCIT_TA_DEMO_MODE_WRITE_PROTECT);
}

static int zcit_tpg_check_prod_mode_write_protect(struct se_portal_group *se_tpg)
{
	return zcit_tpg_attr(se_tpg, ZCIT_TA_PROD_MODE_WRITE_PROTECT);
}

static int zcit_tpg_check_prot_fabric_only(struct se_portal_group *se_tpg)
{
	return zcit_tpg_attr(se_tpg, ZCIT_TA_FABRIC_PROT_TYPE);
}

static u32 zcit_tpg_get_inst_index(struct se_portal_group *se_tpg)
{
	return to_zcit_tpg(se_tpg)->tiqn->index;
}

/* The rest of the command operations are in cmd.c. */
static int zcit_get_cmd_state(struct se_cmd *se_cmd)
{
	return 0;
}

/* Not const: zcit_init() sets max_data_sg_nents from max_xfer_kib. */
static struct target_core_fabric_ops zcit_ops = {
	.module				= THIS_MODULE,
	.fabric_alias			= "iscsi",
	.fabric_name			= "iSCSI",
	.node_acl_size			= sizeof(struct zcit_nacl),
	.tpg_get_wwn			= zcit_tpg_get_wwn,
	.tpg_get_tag			= zcit_tpg_get_tag,
	.tpg_get_default_depth		= zcit_tpg_get_default_depth,
	.tpg_check_demo_mode		= zcit_tpg_check_demo_mode,
	.tpg_check_demo_mode_cache	= zcit_tpg_check_demo_mode_cache,
	.tpg_check_demo_mode_write_protect =
		zcit_tpg_check_demo_mode_write_protect,
	.tpg_check_prod_mode_write_protect =
		zcit_tpg_check_prod_mode_write_protect,
	.tpg_check_prot_fabric_only	= zcit_tpg_check_prot_fabric_only,
	.tpg_get_inst_index		= zcit_tpg_get_inst_index,
	.check_stop_free		= zcit_check_stop_free,
	.release_cmd			= zcit_release_cmd,
	.close_session			= zcit_close_session,
	.sess_get_index			= zcit_sess_get_index,
	.sess_get_initiator_sid		= zcit_sess_get_initiator_sid,
	.write_pending			= zcit_write_pending,
	.set_default_node_attributes	= zcit_set_default_node_attributes,
	.get_cmd_state			= zcit_get_cmd_state,
	.queue_data_in			= zcit_queue_data_in,
	.queue_status			= zcit_queue_status,
	.queue_tm_rsp			= zcit_queue_tm_rsp,
	.aborted_task			= zcit_aborted_task,
	.fabric_make_wwn		= zcit_make_tiqn,
	.fabric_drop_wwn		= zcit_drop_tiqn,
	.add_wwn_groups			= zcit_stat_add_wwn_groups,
	.fabric_make_tpg		= zcit_make_tpg,
	.fabric_enable_tpg		= zcit_enable_tpg,
	.fabric_drop_tpg		= zcit_drop_tpg,
	.fabric_make_np			= zcit_make_np,
	.fabric_drop_np			= zcit_drop_np,
	.fabric_init_nodeacl		= zcit_init_nodeacl,
	.tfc_discovery_attrs		= zcit_discovery_attrs,
	.tfc_wwn_attrs			= zcit_wwn_attrs,
	.tfc_tpg_base_attrs		= zcit_tpg_base_attrs,
	.tfc_tpg_attrib_attrs		= zcit_tpg_attrib_attrs,
	.tfc_tpg_auth_attrs		= zcit_tpg_auth_attrs,
	.tfc_tpg_param_attrs		= zcit_tpg_param_attrs,
	.tfc_tpg_np_base_attrs		= zcit_np_attrs,
	.tfc_tpg_nacl_base_attrs	= zcit_nacl_base_attrs,
	.tfc_tpg_nacl_attrib_attrs	= zcit_nacl_attrib_attrs,
	.tfc_tpg_nacl_auth_attrs	= zcit_nacl_auth_attrs,
	.tfc_tpg_nacl_param_attrs	= zcit_nacl_param_attrs,
	.write_pending_must_be_called	= true,
	ZCIT_FABRIC_SUBMIT_OPS
};

/*
 * LIO keys fabrics by name and, in 6.1, happily registers two "iscsi"
 * fabrics, after which configfs shows only the first.  Refuse to load
 * next to iscsi_target_mod instead.
 */
static bool zcit_iscsi_target_mod_loaded(void)
{
	struct path path;

	if (kern_path("/sys/module/iscsi_target_mod", LOOKUP_DIRECTORY, &path))
		return false;
	path_put(&path);
	return true;
}

static int __init zcit_init(void)
{
	int ret;

	if (zcit_iscsi_target_mod_loaded()) {
		pr_err("iscsi_target_mod is loaded and owns the \"iscsi\" fabric: unload it first (rmmod iscsi_target_mod)\n");
		return -EBUSY;
	}
	ret = zcit_limits_init();
	if (ret)
		return ret;
	/*
	 * LIO caps every buffer it sizes from a CDB at this many pages (with
	 * a residual) and reports it as the MAXIMUM TRANSFER LENGTH in the
	 * Block Limits VPD page; cmd.c refuses the rest.
	 */
	zcit_ops.max_data_sg_nents = zcit_limits.max_xfer / PAGE_SIZE;
	if (!zalloc_cpumask_var(&zcit_global.allowed_cpus, GFP_KERNEL))
		return -ENOMEM;
	cpumask_copy(zcit_global.allowed_cpus, cpu_online_mask);
	mutex_init(&zcit_global.disc_auth.lock);
	zcit_configfs_init();
	ret = zcit_stat_init();
	if (ret)
		goto err_cpus;
	ret = zcit_conn_init(&zcit_ffp_ops);
	if (ret)
		goto err_stat;

	ret = target_register_template(&zcit_ops);
	if (ret)
		goto err_conn;
	pr_info("zero-copy iSCSI target " ZCIT_VERSION " registered as fabric \"iscsi\"\n");
	return 0;

err_conn:
	zcit_conn_exit();
err_stat:
	zcit_stat_exit();
err_cpus:
	free_cpumask_var(zcit_global.allowed_cpus);
	return ret;
}

static void __exit zcit_exit(void)
{
	target_unregister_template(&zcit_ops);
	zcit_conn_exit();
	zcit_stat_exit();
	free_cpumask_var(zcit_global.allowed_cpus);
	pr_info("unregistered\n");
}

module_init(zcit_init);
module_exit(zcit_exit);

MODULE_DESCRIPTION("zcit: zero-copy iSCSI target fabric for LIO");
MODULE_LICENSE("GPL");
MODULE_VERSION(ZCIT_VERSION_NUM);
MODULE_SOFTDEP("pre: target_core_mod");
