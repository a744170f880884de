/*
 * public/features.h — XENFEAT_* bit numbers: what XENVER_get_features
 * reports (submap 0 covers bits 0-31) and what a kernel names in its
 * FEATURES / SUPPORTED_FEATURES ELF notes.
 */
#ifndef PUBLIC_FEATURES_H
#define PUBLIC_FEATURES_H

#define XENFEAT_writable_page_tables       0  /* guest may write its L1s directly */
#define XENFEAT_writable_descriptor_tables 1
#define XENFEAT_auto_translated_physmap    2  /* guest PFNs are translated for it (not PV) */
#define XENFEAT_supervisor_mode_kernel     3  /* kernel runs in ring 0 (never for x86_64 PV) */
#define XENFEAT_pae_pgdir_above_4gb        4
#define XENFEAT_mmu_pt_update_preserve_ad  5  /* MMU_PT_UPDATE_PRESERVE_AD works */
#define XENFEAT_highmem_assist             6
#define XENFEAT_gnttab_map_avail_bits      7  /* grant mappings keep the PTE's AVAIL bits */
#define XENFEAT_hvm_callback_vector        8
#define XENFEAT_hvm_safe_pvclock           9
#define XENFEAT_hvm_pirqs                 10
#define XENFEAT_dom0                      11  /* kernel can run as dom0 */
/* 12 (grant_map_identity) is retired; do not reuse */
#define XENFEAT_memory_op_vnode_supported 13
#define XENFEAT_ARM_SMCCC_supported       14
#define XENFEAT_linux_rsdp_unrestricted   15
#define XENFEAT_not_direct_mapped         16
#define XENFEAT_direct_mapped             17

#define XENFEAT_NR_SUBMAPS 1

#endif /* PUBLIC_FEATURES_H */
