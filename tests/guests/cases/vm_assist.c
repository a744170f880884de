/*
 * vm_assist.c — enabling and disabling the assists a 64-bit PV guest may ask
 * for, refusal of unknown types (-EINVAL) and unknown commands (-ENOSYS).
 */
#include "guest.h"

const char test_title[] = "vm_assist";

void test_main(void)
{
    CHECK_RC("enable writable_pagetables",
             hc_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
    CHECK_RC("enable runstate_update_flag",
             hc_vm_assist(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag), 0);
    CHECK_RC("disable runstate_update_flag",
             hc_vm_assist(VMASST_CMD_disable, VMASST_TYPE_runstate_update_flag), 0);
    CHECK_RC("enable m2p_strict", hc_vm_assist(VMASST_CMD_enable, VMASST_TYPE_m2p_strict), 0);
    CHECK_RC("disable m2p_strict", hc_vm_assist(VMASST_CMD_disable, VMASST_TYPE_m2p_strict), 0);
    CHECK_RC("enable type 31", hc_vm_assist(VMASST_CMD_enable, 31), -XEN_EINVAL);
    CHECK_RC("enable type 63", hc_vm_assist(VMASST_CMD_enable, 63), -XEN_EINVAL);
    CHECK_RC("enable type 1000", hc_vm_assist(VMASST_CMD_enable, 1000), -XEN_EINVAL);
    CHECK_RC("command 7", hc_vm_assist(7, VMASST_TYPE_writable_pagetables), -XEN_ENOSYS);
    printk("4gb_segments: %ld\n", hc_vm_assist(VMASST_CMD_enable, VMASST_TYPE_4gb_segments));
    printk("pae_extended_cr3: %ld\n", hc_vm_assist(VMASST_CMD_enable, VMASST_TYPE_pae_extended_cr3));
}
