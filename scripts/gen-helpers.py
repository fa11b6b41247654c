#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Generates lib/platform/linux_helpers_table.c: the Linux helper prototypes (ids 0..211).
#
# The kinds below were derived by hand from the kernel's documentation of each helper (the doc
# comments in bpf_helper_defs.h / include/uapi/linux/bpf.h) and the kernel's argument types; they
# decide soundness, so review them when editing. Names and ids are checked against
# /usr/include/bpf/bpf_helper_defs.h when that header is present (pass another path as argv[1]).
#
#   usage: python3 scripts/gen-helpers.py [bpf_helper_defs.h] > lib/platform/linux_helpers_table.c
import os
import re
import sys

ARG = {
    'ANY': 'ANYTHING', 'SZ': 'CONST_SIZE', 'SZ0': 'CONST_SIZE_OR_ZERO',
    'ASZ0': 'CONST_ALLOC_SIZE_OR_ZERO', 'CTX': 'PTR_TO_CTX', 'CTX0': 'PTR_TO_CTX_OR_NULL',
    'MAP': 'PTR_TO_MAP', 'PROGS': 'PTR_TO_MAP_OF_PROGRAMS', 'KEY': 'PTR_TO_MAP_KEY',
    'VAL': 'PTR_TO_MAP_VALUE', 'VAL0': 'PTR_TO_MAP_VALUE_OR_NULL',
    'UVAL': 'PTR_TO_UNINIT_MAP_VALUE', 'RO': 'PTR_TO_READONLY_MEM',
    'RO0': 'PTR_TO_READONLY_MEM_OR_NULL', 'RW': 'PTR_TO_READABLE_MEM',
    'RW0': 'PTR_TO_READABLE_MEM_OR_NULL', 'WR': 'PTR_TO_WRITABLE_MEM',
    'WR0': 'PTR_TO_WRITABLE_MEM_OR_NULL', 'FRO': 'PTR_TO_FIXED_READONLY_MEM',
    'FRW': 'PTR_TO_FIXED_MEM', 'LONG': 'PTR_TO_LONG', 'INT': 'PTR_TO_INT',
    'STK': 'PTR_TO_STACK', 'STK0': 'PTR_TO_STACK_OR_NULL', 'FUNC': 'PTR_TO_FUNC',
    'SOCKC': 'PTR_TO_SOCK_COMMON', 'BSOCKC': 'PTR_TO_BTF_ID_SOCK_COMMON',
    'SOCK': 'PTR_TO_SOCKET', 'BTF': 'PTR_TO_BTF_ID', 'PCPU': 'PTR_TO_PERCPU_BTF_ID',
    'ALLOC': 'PTR_TO_ALLOC_MEM', 'LOCK': 'PTR_TO_SPIN_LOCK', 'TIMER': 'PTR_TO_TIMER',
    'CSTR': 'PTR_TO_CONST_STR', 'DYN': 'PTR_TO_DYNPTR', 'UNSUP': 'UNSUPPORTED',
}
RET = {
    'INT': 'INTEGER', 'TAIL': 'INTEGER_OR_NO_RETURN_IF_SUCCEED', 'VOID': 'VOID',
    'VAL0': 'PTR_TO_MAP_VALUE_OR_NULL', 'VAL': 'PTR_TO_MAP_VALUE',
    'SOCK0': 'PTR_TO_SOCKET_OR_NULL', 'SOCKC0': 'PTR_TO_SOCK_COMMON_OR_NULL',
    'TCP0': 'PTR_TO_TCP_SOCKET_OR_NULL', 'ALLOC0': 'PTR_TO_ALLOC_MEM_OR_NULL',
    'BTF': 'PTR_TO_BTF_ID', 'BTF0': 'PTR_TO_BTF_ID_OR_NULL', 'MEMBTF': 'PTR_TO_MEM_OR_BTF_ID',
    'MEMBTF0': 'PTR_TO_MEM_OR_BTF_ID_OR_NULL', 'UNSUP': 'UNSUPPORTED',
}
# Linux BPF_PROG_TYPE_* ids
PROG = {
    'socket_filter': 1, 'kprobe': 2, 'sched_cls': 3, 'sched_act': 4, 'tracepoint': 5, 'xdp': 6,
    'perf_event': 7, 'cgroup_skb': 8, 'cgroup_sock': 9, 'lwt_in': 10, 'lwt_out': 11,
    'lwt_xmit': 12, 'sock_ops': 13, 'sk_skb': 14, 'cgroup_device': 15, 'sk_msg': 16,
    'raw_tracepoint': 17, 'cgroup_sock_addr': 18, 'lwt_seg6local': 19, 'lirc_mode2': 20,
    'sk_reuseport': 21, 'flow_dissector': 22, 'cgroup_sysctl': 23,
    'raw_tracepoint_writable': 24, 'cgroup_sockopt': 25, 'tracing': 26, 'struct_ops': 27,
    'ext': 28, 'lsm': 29, 'sk_lookup': 30, 'syscall': 31, 'netfilter': 32,
}
PROG_GROUPS = {
    'SKB': ['socket_filter', 'sched_cls', 'sched_act', 'cgroup_skb', 'lwt_in', 'lwt_out',
            'lwt_xmit', 'lwt_seg6local', 'sk_skb'],
    'TRACE': ['kprobe', 'tracepoint', 'perf_event', 'raw_tracepoint', 'raw_tracepoint_writable',
              'tracing', 'lsm', 'struct_ops', 'ext', 'syscall'],
    'COOKIE': ['socket_filter', 'sched_cls', 'sched_act', 'cgroup_skb', 'sk_skb', 'cgroup_sock',
               'cgroup_sock_addr', 'sock_ops'],
    'SOCKOPT': ['sock_ops', 'cgroup_sock_addr', 'cgroup_sockopt', 'cgroup_sock'],
    'NETNS': ['cgroup_sock', 'cgroup_sock_addr', 'sock_ops', 'sk_msg', 'cgroup_sockopt',
              'sched_cls', 'sched_act', 'cgroup_skb', 'socket_filter', 'sk_skb'],
    'SKLOOKUP': ['sched_cls', 'sched_act', 'xdp', 'sk_skb', 'cgroup_skb', 'cgroup_sock_addr',
                 'sk_reuseport', 'socket_filter', 'lwt_in', 'lwt_out', 'lwt_xmit',
                 'lwt_seg6local'],
    'FUNCARGS': ['tracing', 'lsm', 'kprobe'],
    # helpers that write or resize the skb: the kernel offers them to tc (tc_cls_act_func_proto)
    # and, for some, lwt_xmit / sk_skb / lwt (net/core/filter.c) -- never to socket_filter or
    # cgroup_skb, whose programs may only read the packet
    'TC': ['sched_cls', 'sched_act'],
}
# Linux BPF_MAP_TYPE_* ids
MAP = {
    'HASH': 1, 'ARRAY': 2, 'PROG_ARRAY': 3, 'PERF_EVENT_ARRAY': 4, 'PERCPU_HASH': 5,
    'PERCPU_ARRAY': 6, 'STACK_TRACE': 7, 'CGROUP_ARRAY': 8, 'LRU_HASH': 9, 'LRU_PERCPU_HASH': 10,
    'LPM_TRIE': 11, 'ARRAY_OF_MAPS': 12, 'HASH_OF_MAPS': 13, 'DEVMAP': 14, 'SOCKMAP': 15,
    'CPUMAP': 16, 'XSKMAP': 17, 'SOCKHASH': 18, 'CGROUP_STORAGE': 19, 'REUSEPORT_SOCKARRAY': 20,
    'PERCPU_CGROUP_STORAGE': 21, 'QUEUE': 22, 'STACK': 23, 'SK_STORAGE': 24, 'DEVMAP_HASH': 25,
    'STRUCT_OPS': 26, 'RINGBUF': 27, 'INODE_STORAGE': 28, 'TASK_STORAGE': 29,
    'BLOOM_FILTER': 30, 'USER_RINGBUF': 31, 'CGRP_STORAGE': 32, 'ARENA': 33,
}
MAP_GROUPS = {
    # maps whose values are plain memory the program may read and write through a lookup
    # (sockmap/xskmap lookups yield sockets, devmap values are read-only: not allowed here)
    'DATA': ['HASH', 'ARRAY', 'PERCPU_HASH', 'PERCPU_ARRAY', 'LRU_HASH', 'LRU_PERCPU_HASH',
             'LPM_TRIE'],
    'LOOKUP': ['DATA', 'ARRAY_OF_MAPS', 'HASH_OF_MAPS'],
    'DELETE': ['DATA', 'SOCKMAP', 'SOCKHASH', 'DEVMAP', 'DEVMAP_HASH', 'XSKMAP', 'CPUMAP',
               'HASH_OF_MAPS', 'ARRAY_OF_MAPS'],
    'PERCPU': ['PERCPU_HASH', 'PERCPU_ARRAY', 'LRU_PERCPU_HASH'],
    'REDIRECT': ['DEVMAP', 'DEVMAP_HASH', 'CPUMAP', 'XSKMAP'],
    'SOCKMAPS': ['SOCKMAP', 'SOCKHASH'],
    'LOCALSTORAGE': ['CGROUP_STORAGE', 'PERCPU_CGROUP_STORAGE'],
    'QSTACK': ['QUEUE', 'STACK'],
    'QSTACKBLOOM': ['QUEUE', 'STACK', 'BLOOM_FILTER'],
    'REUSEPORT': ['REUSEPORT_SOCKARRAY', 'SOCKMAP', 'SOCKHASH'],
    # maps with a for-each callback (map_set_for_each_callback_args in the kernel)
    'FOREACH': ['HASH', 'ARRAY', 'PERCPU_HASH', 'PERCPU_ARRAY', 'LRU_HASH', 'LRU_PERCPU_HASH'],
}

# name | ret | args (r1..r5) | options
#   ctx=NAME        required context descriptor name
#   progs=A,B       program types (or groups) allowed
#   maps=A,B        allowed map types (or groups) for the map argument
#   realloc         reallocates the packet (implies writes)   writes: writes packet bytes
#   sleep           might sleep                                unsup: not modelled soundly
#   zero=N          argument N (1-based) must be zero          sizeN=M: pair arg N has size arg M
#   fixedN=B        FRO/FRW argument N covers B bytes
#   cb=loop|foreach the analysis models the callback: bpf_loop's (index, ctx) calls or
#                   for_each_map_elem's (map, key, value, ctx) calls
# The skb-writing helpers (realloc) carry progs= as the kernel's *_func_proto tables offer them:
# a socket filter calling bpf_skb_store_bytes is rejected by the kernel.
SPEC = r'''
map_lookup_elem        | VAL0  | MAP KEY                 | maps=LOOKUP
map_update_elem        | INT   | MAP KEY VAL ANY         | maps=DATA
map_delete_elem        | INT   | MAP KEY                 | maps=DELETE
probe_read             | INT   | WR SZ0 ANY              |
ktime_get_ns           | INT   |                         |
trace_printk           | INT   | RO SZ                   |
get_prandom_u32        | INT   |                         |
get_smp_processor_id   | INT   |                         |
skb_store_bytes        | INT   | CTX ANY RO SZ ANY       | ctx=__sk_buff realloc progs=TC,lwt_xmit,sk_skb
l3_csum_replace        | INT   | CTX ANY ANY ANY ANY     | ctx=__sk_buff realloc progs=TC,lwt_xmit
l4_csum_replace        | INT   | CTX ANY ANY ANY ANY     | ctx=__sk_buff realloc progs=TC,lwt_xmit
tail_call              | TAIL  | CTX PROGS ANY           | maps=PROG_ARRAY
clone_redirect         | INT   | CTX ANY ANY             | ctx=__sk_buff realloc progs=TC,lwt_xmit
get_current_pid_tgid   | INT   |                         |
get_current_uid_gid    | INT   |                         |
get_current_comm       | INT   | WR SZ                   |
get_cgroup_classid     | INT   | CTX                     | ctx=__sk_buff
skb_vlan_push          | INT   | CTX ANY ANY             | ctx=__sk_buff realloc progs=TC
skb_vlan_pop           | INT   | CTX                     | ctx=__sk_buff realloc progs=TC
skb_get_tunnel_key     | INT   | CTX WR SZ ANY           | ctx=__sk_buff
skb_set_tunnel_key     | INT   | CTX RO SZ ANY           | ctx=__sk_buff
perf_event_read        | INT   | MAP ANY                 | maps=PERF_EVENT_ARRAY
redirect               | INT   | ANY ANY                 |
get_route_realm        | INT   | CTX                     | ctx=__sk_buff
perf_event_output      | INT   | CTX MAP ANY RO SZ0      | maps=PERF_EVENT_ARRAY
skb_load_bytes         | INT   | CTX ANY WR SZ           | progs=SKB,flow_dissector
get_stackid            | INT   | CTX MAP ANY             | maps=STACK_TRACE
csum_diff              | INT   | RO0 SZ0 RO0 SZ0 ANY     |
skb_get_tunnel_opt     | INT   | CTX WR SZ               | ctx=__sk_buff
skb_set_tunnel_opt     | INT   | CTX RO SZ               | ctx=__sk_buff
skb_change_proto       | INT   | CTX ANY ANY             | ctx=__sk_buff realloc progs=TC
skb_change_type        | INT   | CTX ANY                 | ctx=__sk_buff realloc progs=TC
skb_under_cgroup       | INT   | CTX MAP ANY             | ctx=__sk_buff maps=CGROUP_ARRAY
get_hash_recalc        | INT   | CTX                     | ctx=__sk_buff
get_current_task       | INT   |                         |
probe_write_user       | INT   | ANY RO SZ               |
current_task_under_cgroup | INT | MAP ANY                | maps=CGROUP_ARRAY
skb_change_tail        | INT   | CTX ANY ANY             | ctx=__sk_buff realloc progs=TC,lwt_xmit,sk_skb
skb_pull_data          | INT   | CTX ANY                 | ctx=__sk_buff realloc progs=TC,lwt_in,lwt_out,lwt_xmit,lwt_seg6local,sk_skb
csum_update            | INT   | CTX ANY                 | ctx=__sk_buff
set_hash_invalid       | VOID  | CTX                     | ctx=__sk_buff
get_numa_node_id       | INT   |                         |
skb_change_head        | INT   | CTX ANY ANY             | ctx=__sk_buff realloc progs=TC,lwt_xmit,sk_skb
xdp_adjust_head        | INT   | CTX ANY                 | ctx=xdp_md realloc
probe_read_str         | INT   | WR SZ0 ANY              |
get_socket_cookie      | INT   | CTX                     | progs=COOKIE
get_socket_uid         | INT   | CTX                     | ctx=__sk_buff
set_hash               | INT   | CTX ANY                 | ctx=__sk_buff
setsockopt             | INT   | CTX ANY ANY RO SZ       | progs=SOCKOPT
skb_adjust_room        | INT   | CTX ANY ANY ANY         | ctx=__sk_buff realloc progs=TC,sk_skb
redirect_map           | INT   | MAP ANY ANY             | maps=REDIRECT
sk_redirect_map        | INT   | CTX MAP ANY ANY         | ctx=__sk_buff maps=SOCKMAP
sock_map_update        | INT   | CTX MAP KEY ANY         | ctx=bpf_sock_ops maps=SOCKMAP
xdp_adjust_meta        | INT   | CTX ANY                 | ctx=xdp_md realloc
perf_event_read_value  | INT   | MAP ANY WR SZ           | maps=PERF_EVENT_ARRAY
perf_prog_read_value   | INT   | CTX WR SZ               | ctx=bpf_perf_event_data
getsockopt             | INT   | CTX ANY ANY WR SZ       | progs=SOCKOPT
override_return        | INT   | CTX ANY                 | ctx=pt_regs
sock_ops_cb_flags_set  | INT   | CTX ANY                 | ctx=bpf_sock_ops
msg_redirect_map       | INT   | CTX MAP ANY ANY         | ctx=sk_msg_md maps=SOCKMAP
msg_apply_bytes        | INT   | CTX ANY                 | ctx=sk_msg_md
msg_cork_bytes         | INT   | CTX ANY                 | ctx=sk_msg_md
msg_pull_data          | INT   | CTX ANY ANY ANY         | ctx=sk_msg_md realloc
bind                   | INT   | CTX RO SZ               | ctx=bpf_sock_addr
xdp_adjust_tail        | INT   | CTX ANY                 | ctx=xdp_md realloc
skb_get_xfrm_state     | INT   | CTX ANY WR SZ ANY       | ctx=__sk_buff
get_stack              | INT   | CTX WR SZ0 ANY          |
skb_load_bytes_relative | INT  | CTX ANY WR SZ ANY       | ctx=__sk_buff
fib_lookup             | INT   | CTX RW SZ ANY           |
sock_hash_update       | INT   | CTX MAP KEY ANY         | ctx=bpf_sock_ops maps=SOCKHASH
msg_redirect_hash      | INT   | CTX MAP KEY ANY         | ctx=sk_msg_md maps=SOCKHASH
sk_redirect_hash       | INT   | CTX MAP KEY ANY         | ctx=__sk_buff maps=SOCKHASH
lwt_push_encap         | INT   | CTX ANY RO SZ           | ctx=__sk_buff realloc progs=lwt_in,lwt_xmit
lwt_seg6_store_bytes   | INT   | CTX ANY RO SZ           | ctx=__sk_buff realloc progs=lwt_seg6local
lwt_seg6_adjust_srh    | INT   | CTX ANY ANY             | ctx=__sk_buff realloc progs=lwt_seg6local
lwt_seg6_action        | INT   | CTX ANY RO SZ           | ctx=__sk_buff realloc progs=lwt_seg6local
rc_repeat              | INT   | CTX                     | ctx=lirc_mode2
rc_keydown             | INT   | CTX ANY ANY ANY         | ctx=lirc_mode2
skb_cgroup_id          | INT   | CTX                     | ctx=__sk_buff
get_current_cgroup_id  | INT   |                         |
get_local_storage      | VAL   | MAP ANY                 | maps=LOCALSTORAGE
sk_select_reuseport    | INT   | CTX MAP KEY ANY         | ctx=sk_reuseport_md maps=REUSEPORT
skb_ancestor_cgroup_id | INT   | CTX ANY                 | ctx=__sk_buff
sk_lookup_tcp          | SOCK0 | CTX RO SZ ANY ANY       | progs=SKLOOKUP
sk_lookup_udp          | SOCK0 | CTX RO SZ ANY ANY       | progs=SKLOOKUP
sk_release             | INT   | BSOCKC                  |
map_push_elem          | INT   | MAP VAL ANY             | maps=QSTACKBLOOM
map_pop_elem           | INT   | MAP UVAL                | maps=QSTACK
map_peek_elem          | INT   | MAP UVAL                | maps=QSTACKBLOOM
msg_push_data          | INT   | CTX ANY ANY ANY         | ctx=sk_msg_md realloc
msg_pop_data           | INT   | CTX ANY ANY ANY         | ctx=sk_msg_md realloc
rc_pointer_rel         | INT   | CTX ANY ANY             | ctx=lirc_mode2
spin_lock              | VOID  | LOCK                    |
spin_unlock            | VOID  | LOCK                    |
sk_fullsock            | SOCK0 | SOCKC                   |
tcp_sock               | TCP0  | SOCKC                   |
skb_ecn_set_ce         | INT   | CTX                     | ctx=__sk_buff writes
get_listener_sock      | SOCK0 | SOCKC                   |
skc_lookup_tcp         | SOCKC0 | CTX RO SZ ANY ANY      | progs=SKLOOKUP
tcp_check_syncookie    | INT   | BSOCKC RO SZ RO SZ      |
sysctl_get_name        | INT   | CTX WR SZ ANY           | ctx=bpf_sysctl
sysctl_get_current_value | INT | CTX WR SZ               | ctx=bpf_sysctl
sysctl_get_new_value   | INT   | CTX WR SZ               | ctx=bpf_sysctl
sysctl_set_new_value   | INT   | CTX RO SZ               | ctx=bpf_sysctl
strtol                 | INT   | RO SZ ANY LONG          |
strtoul                | INT   | RO SZ ANY LONG          |
sk_storage_get         | VAL0  | MAP BSOCKC VAL0 ANY     | maps=SK_STORAGE
sk_storage_delete      | INT   | MAP BSOCKC              | maps=SK_STORAGE
send_signal            | INT   | ANY                     |
tcp_gen_syncookie      | INT   | BSOCKC RO SZ RO SZ      |
skb_output             | INT   | BTF MAP ANY RO SZ0      | maps=PERF_EVENT_ARRAY progs=TRACE
probe_read_user        | INT   | WR SZ0 ANY              |
probe_read_kernel      | INT   | WR SZ0 ANY              |
probe_read_user_str    | INT   | WR SZ0 ANY              |
probe_read_kernel_str  | INT   | WR SZ0 ANY              |
tcp_send_ack           | INT   | BTF ANY                 | progs=struct_ops
send_signal_thread     | INT   | ANY                     |
jiffies64              | INT   |                         |
read_branch_records    | INT   | CTX WR0 SZ0 ANY         | ctx=bpf_perf_event_data
get_ns_current_pid_tgid | INT  | ANY ANY WR SZ           |
xdp_output             | INT   | BTF MAP ANY RO SZ0      | maps=PERF_EVENT_ARRAY progs=TRACE
get_netns_cookie       | INT   | CTX0                    | progs=NETNS
get_current_ancestor_cgroup_id | INT | ANY               |
sk_assign              | INT   | CTX BSOCKC ANY          | ctx=__sk_buff
ktime_get_boot_ns      | INT   |                         |
seq_printf             | INT   | BTF RO SZ RO0 SZ0       | progs=tracing
seq_write              | INT   | BTF RO SZ0              | progs=tracing
sk_cgroup_id           | INT   | BSOCKC                  |
sk_ancestor_cgroup_id  | INT   | BSOCKC ANY              |
ringbuf_output         | INT   | MAP RO SZ0 ANY          | maps=RINGBUF
ringbuf_reserve        | ALLOC0 | MAP ASZ0 ANY           | maps=RINGBUF
ringbuf_submit         | VOID  | ALLOC ANY               |
ringbuf_discard        | VOID  | ALLOC ANY               |
ringbuf_query          | INT   | MAP ANY                 | maps=RINGBUF
csum_level             | INT   | CTX ANY                 | ctx=__sk_buff
skc_to_tcp6_sock       | BTF0  | BSOCKC                  |
skc_to_tcp_sock        | BTF0  | BSOCKC                  |
skc_to_tcp_timewait_sock | BTF0 | BSOCKC                 |
skc_to_tcp_request_sock | BTF0 | BSOCKC                  |
skc_to_udp6_sock       | BTF0  | BSOCKC                  |
get_task_stack         | INT   | BTF WR SZ0 ANY          |
load_hdr_opt           | INT   | CTX RW SZ ANY           | ctx=bpf_sock_ops
store_hdr_opt          | INT   | CTX RO SZ ANY           | ctx=bpf_sock_ops
reserve_hdr_opt        | INT   | CTX ANY ANY             | ctx=bpf_sock_ops
inode_storage_get      | VAL0  | MAP BTF VAL0 ANY        | maps=INODE_STORAGE
inode_storage_delete   | INT   | MAP BTF                 | maps=INODE_STORAGE
d_path                 | INT   | BTF WR SZ0              | progs=tracing,lsm
copy_from_user         | INT   | WR SZ0 ANY              | sleep
snprintf_btf           | INT   | WR SZ RO SZ ANY         |
seq_printf_btf         | INT   | BTF RO SZ0 ANY          | progs=tracing
skb_cgroup_classid     | INT   | CTX                     | ctx=__sk_buff
redirect_neigh         | INT   | ANY RO0 SZ0 ANY         | ctx=__sk_buff
per_cpu_ptr            | MEMBTF0 | PCPU ANY              |
this_cpu_ptr           | MEMBTF | PCPU                   |
redirect_peer          | INT   | ANY ANY                 | ctx=__sk_buff
task_storage_get       | VAL0  | MAP BTF VAL0 ANY        | maps=TASK_STORAGE
task_storage_delete    | INT   | MAP BTF                 | maps=TASK_STORAGE
get_current_task_btf   | BTF   |                         |
bprm_opts_set          | INT   | BTF ANY                 | progs=lsm
ktime_get_coarse_ns    | INT   |                         |
ima_inode_hash         | INT   | BTF WR SZ               | sleep
sock_from_file         | BTF0  | BTF                     |
check_mtu              | INT   | CTX ANY FRW ANY ANY     | fixed3=4
for_each_map_elem      | INT   | MAP FUNC STK0 ANY       | maps=FOREACH cb=foreach
snprintf               | INT   | WR0 SZ0 CSTR RO0 SZ0    | unsup
sys_bpf                | INT   | ANY RW SZ               | progs=syscall
btf_find_by_name_kind  | INT   | RO SZ ANY ANY           | progs=syscall
sys_close              | INT   | ANY                     | progs=syscall
timer_init             | INT   | TIMER MAP ANY           |
timer_set_callback     | INT   | TIMER FUNC              |
timer_start            | INT   | TIMER ANY ANY           |
timer_cancel           | INT   | TIMER                   |
get_func_ip            | INT   | CTX                     | progs=FUNCARGS
get_attach_cookie      | INT   | CTX                     | progs=TRACE
task_pt_regs           | BTF   | BTF                     |
get_branch_snapshot    | INT   | WR SZ0 ANY              |
trace_vprintk          | INT   | RO SZ RO0 SZ0           |
skc_to_unix_sock       | BTF0  | BSOCKC                  |
kallsyms_lookup_name   | INT   | RO SZ0 ANY LONG         | progs=syscall
find_vma               | INT   | BTF ANY FUNC STK0 ANY   |
loop                   | INT   | ANY FUNC STK0 ANY       | cb=loop
strncmp                | INT   | RO SZ CSTR              | unsup
get_func_arg           | INT   | CTX ANY LONG            | progs=tracing,lsm
get_func_ret           | INT   | CTX LONG                | progs=tracing,lsm
get_func_arg_cnt       | INT   | CTX                     | progs=tracing,lsm
get_retval             | INT   |                         |
set_retval             | INT   | ANY                     |
xdp_get_buff_len       | INT   | CTX                     | ctx=xdp_md
xdp_load_bytes         | INT   | CTX ANY WR SZ           | ctx=xdp_md
xdp_store_bytes        | INT   | CTX ANY RO SZ           | ctx=xdp_md writes
copy_from_user_task    | INT   | WR SZ0 ANY BTF ANY      | sleep
skb_set_tstamp         | INT   | CTX ANY ANY             | ctx=__sk_buff
ima_file_hash          | INT   | BTF WR SZ               | sleep
kptr_xchg              | UNSUP | UNSUP UNSUP             | unsup
map_lookup_percpu_elem | VAL0  | MAP KEY ANY             | maps=PERCPU
skc_to_mptcp_sock      | BTF0  | BSOCKC                  |
dynptr_from_mem        | INT   | UNSUP ANY ANY DYN       | unsup
ringbuf_reserve_dynptr | INT   | MAP ANY ANY DYN         | unsup maps=RINGBUF
ringbuf_submit_dynptr  | VOID  | DYN ANY                 | unsup
ringbuf_discard_dynptr | VOID  | DYN ANY                 | unsup
dynptr_read            | INT   | WR SZ0 DYN ANY ANY      | unsup
dynptr_write           | INT   | DYN ANY RO SZ0 ANY      | unsup
dynptr_data            | UNSUP | DYN ANY ANY             | unsup
tcp_raw_gen_syncookie_ipv4 | INT | FRO RO SZ             | fixed1=20
tcp_raw_gen_syncookie_ipv6 | INT | FRO RO SZ             | fixed1=40
tcp_raw_check_syncookie_ipv4 | INT | FRO FRO             | fixed1=20 fixed2=20
tcp_raw_check_syncookie_ipv6 | INT | FRO FRO             | fixed1=40 fixed2=20
ktime_get_tai_ns       | INT   |                         |
user_ringbuf_drain     | INT   | MAP FUNC STK0 ANY       | unsup maps=USER_RINGBUF
cgrp_storage_get       | VAL0  | MAP BTF VAL0 ANY        | maps=CGRP_STORAGE
cgrp_storage_delete    | INT   | MAP BTF                 | maps=CGRP_STORAGE
'''


def expand(groups, base, names):
    out = set()
    for n in names:
        if n in groups:
            out |= expand(groups, base, groups[n])
        elif n in base:
            out.add(base[n])
        else:
            raise SystemExit('unknown name %r' % n)
    return out


def mask(ids):
    m = 0
    for i in ids:
        m |= 1 << i
    return '0x%xull' % m if m else '0'


def parse_spec():
    rows = []
    for line in SPEC.strip().splitlines():
        name, ret, args, opts = [f.strip() for f in line.split('|')]
        rows.append((name, ret, args.split(), opts.split()))
    return rows


def parse_header(path):
    ids = {}
    if not os.path.exists(path):
        return None
    rx = re.compile(r'^static .*\(\*bpf_(\w+)\)\(.*\) = \(void \*\) (\d+);')
    with open(path) as f:
        for line in f:
            m = rx.match(line)
            if m:
                ids[m.group(1)] = int(m.group(2))
    return ids


def main():
    header = sys.argv[1] if len(sys.argv) > 1 else '/usr/include/bpf/bpf_helper_defs.h'
    rows = parse_spec()
    hdr = parse_header(header)
    if hdr is not None:
        names = [r[0] for r in rows]
        for i, n in enumerate(names, start=1):
            if hdr.get(n) != i:
                raise SystemExit('helper %s: id %d here, %r in %s' % (n, i, hdr.get(n), header))
        if len(hdr) != len(names):
            raise SystemExit('%s lists %d helpers, spec has %d' % (header, len(hdr), len(names)))
    out = []
    w = out.append
    w('/* SPDX-License-Identifier: MIT */')
    w('/* platform: Linux helper prototypes, ids 0..%d (generated by scripts/gen-helpers.py; edit' % len(rows))
    w(' * the SPEC there and regenerate).')
    w(' *')
    w(' * Invariants: entry i has id i; names and ids match libbpf\'s bpf_helper_defs.h; every pair')
    w(' * pointer is followed by its size (checked by tests/check_platform_helpers.c); helpers that')
    w(' * cannot be modelled soundly are flagged unsupported.')
    w(' */')
    w('#include "platform/linux_platform.h"')
    w('')
    w('#define A(k) DRACO_ARG_##k')
    w('#define R(k) DRACO_RET_##k')
    w('')
    w('const struct draco_helper_proto draco_linux_helpers[] = {')
    w('    {.name = "bpf_unspec", .id = 0, .ret = R(UNSUPPORTED), .unsupported = true},')
    for i, (name, ret, args, opts) in enumerate(rows, start=1):
        fields = ['.name = "bpf_%s"' % name, '.id = %d' % i, '.ret = R(%s)' % RET[ret]]
        if args:
            fields.append('.args = {%s}' % ', '.join('A(%s)' % ARG[a] for a in args))
        sizes, fixed, zero = {}, {}, 0
        for o in opts:
            key, _, val = o.partition('=')
            if key == 'ctx':
                fields.append('.required_ctx = "%s"' % val)
            elif key == 'progs':
                fields.append('.prog_types = %s' % mask(expand(PROG_GROUPS, PROG, val.split(','))))
            elif key == 'maps':
                fields.append('.map_types = %s' % mask(expand(MAP_GROUPS, MAP, val.split(','))))
            elif key == 'realloc':
                fields.append('.reallocates_packet = true')
                fields.append('.writes_packet = true')
            elif key == 'writes':
                fields.append('.writes_packet = true')
            elif key == 'sleep':
                fields.append('.might_sleep = true')
            elif key == 'unsup':
                fields.append('.unsupported = true')
            elif key == 'cb':
                fields.append('.callback = DRACO_CALLBACK_%s' % {'loop': 'LOOP', 'foreach': 'FOR_EACH_MAP_ELEM'}[val])
            elif key == 'zero':
                zero |= 1 << (int(val) - 1)
            elif key.startswith('size'):
                sizes[int(key[4:]) - 1] = int(val)
            elif key.startswith('fixed'):
                fixed[int(key[5:]) - 1] = int(val)
            else:
                raise SystemExit('%s: unknown option %s' % (name, o))
        if sizes:
            fields.append('.size_arg = {%s}' % ', '.join(str(sizes.get(k, 0)) for k in range(5)))
        if fixed:
            fields.append('.arg_size = {%s}' % ', '.join(str(fixed.get(k, 0)) for k in range(5)))
        if zero:
            fields.append('.zero_args = 0x%x' % zero)
        w('    {%s},' % ', '.join(fields))
    w('};')
    w('')
    w('const size_t draco_linux_helper_count = sizeof draco_linux_helpers / sizeof draco_linux_helpers[0];')
    print('\n'.join(out))


if __name__ == '__main__':
    main()
