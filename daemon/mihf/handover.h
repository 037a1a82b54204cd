/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The handover call flows of the MIH function (mihf.h): mobile-initiated
 * (the terminal's run, mihf_handover_start) and network-initiated (the
 * serving PoS's run, mihf_net_handover_start).
 *
 * Mobile-initiated:
 *
 * MMT                      serving PoS                  target PoS
 *  1 MIH_Get_Information -> IS server: candidate networks / PoAs, each
 *    PoA with the MIHF ID (and address) of its PoS
 *  2 MIH_MN_HO_Candidate_Query.req ->
 *                           MIH_N2N_HO_Query_Resources.req -> (each)
 *                           <- rsp (resource status)
 *    <- MIH_MN_HO_Candidate_Query.rsp (preferred link list)
 *  3 MIH_MN_HO_Commit.req ->
 *                           MIH_N2N_HO_Commit.req ->   (reserves)
 *                           <- rsp
 *    <- MIH_MN_HO_Commit.rsp
 *  4 the L2/L3 switch: the switch hook (mihsecd: an operator script)
 *  5 MIH_MN_HO_Complete.req ------------------------------------->
 *                           <- MIH_N2N_HO_Complete.req (releases)
 *                           -> rsp (resource retention status)
 *    <------------------------------------- MIH_MN_HO_Complete.rsp
 *
 * Network-initiated (the serving PoS decides; the operator names the MMT
 * and, optionally, the target PoA and PoS):
 *
 * MMT                      serving PoS                  target PoS
 *    <- MIH_Net_HO_Candidate_Query.req (suggested PoAs per link type)
 *  1 -> rsp (HO status permitted/declined, preferred links: the
 *       suggestions on link types the MMT has, its own link IDs)
 *                         2 MIH_N2N_HO_Query_Resources.req -> (each)
 *                           <- rsp (resource status)
 *                         3 MIH_N2N_HO_Commit.req -> (the first preferred
 *                           <- rsp                     target with room)
 *    <- MIH_Net_HO_Commit.req (MN link, target network info: the PoA)
 *    -> rsp (accepted or refused, sent before the switch)
 *    the L2/L3 switch (switch hook), then as above:
 *    MIH_MN_HO_Complete.req --------------------------------------->
 *                         4 <- MIH_N2N_HO_Complete.req (releases; ends
 *                           the PoS's run)
 * The MMT finds the target PoS of the PoA as in its own runs (IS database,
 * peer capabilities), else asks its IS server for the PoA first; it
 * refuses network-initiated handovers while it runs one of its own, or
 * when mihf_cfg.refuse_net_ho is set; it prefers only the suggested links
 * of types it has (an MMT that watches no link accepts them as given).
 * When a run fails after the target reserved, the reservation expires
 * there (mihf_cfg.ho_resource_s); the serving PoS keeps the MMT.
 *
 * Every request step is bounded by the transport's transaction timeout
 * (a timeout fails the handover at that step).  The PoS keeps a resource
 * table per MMT: bounded (mihf_cfg.ho_capacity), entries expire
 * (ho_resource_s) unless completed; a serving PoS releases what it held
 * for the MMT when the target reports completion.
 */
#ifndef MIHSECD_MIHF_HANDOVER_H
#define MIHSECD_MIHF_HANDOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "mihf/mihf.h"

enum mihf_ho_step {
	MIHF_HO_IS_QUERY = 0,
	MIHF_HO_CANDIDATE_QUERY,
	MIHF_HO_COMMIT,
	MIHF_HO_SWITCH,
	MIHF_HO_COMPLETE,
	MIHF_HO_QUERY_RESOURCES,	/* network-initiated: the PoS asks */
	MIHF_HO_NSTEPS,
};

/* "is-query", "candidate-query", "commit", "switch", "complete",
 * "query-resources" */
const char *mihf_ho_step_name(enum mihf_ho_step s);

struct mihf_ho_req {
	struct mihf_id is_server;	/* len 0: the configured one */
	struct mihf_id target_pos;	/* len 0: choose from the IS result */
	uint8_t target_poa[6];		/* the PoA to move to, if set */
	bool has_target_poa;
	char network_id[64];		/* "" any; else only this network */
	uint8_t link_type;		/* 0 any; else only this LINK_TYPE */
	bool skip_is_query;		/* target_pos and target_poa given */
};

/* What the switch hook is told */
struct mihf_ho_target {
	struct mihf_id pos;		/* the target PoS */
	uint8_t poa[6];			/* the target PoA (link address) */
	bool has_poa;
	uint8_t link_type;
	char network_id[64];
	int family;			/* PoS address, if known (AF_INET/6) */
	uint8_t addr[16];
};

struct mihf_ho_result {
	int status;			/* 0, or -errno */
	enum mihf_ho_step step;		/* the failing step, or MIHF_HO_NSTEPS */
	char reason[160];		/* human-readable, "" on success */
	int mih_status;			/* a refusing STATUS / HO_RESULT */
	uint64_t step_ns[MIHF_HO_NSTEPS];	/* per-step latency (0: not run) */
	uint64_t total_ns;
	struct mihf_ho_target target;
	size_t ncandidates;		/* from the IS query; network-
					 * initiated: the PoAs suggested */
	bool network;			/* network-initiated (the PoS's run) */
	struct mihf_id mmt;		/* ... the terminal handed over */
};
typedef void (*mihf_ho_done_fn)(void *arg, const struct mihf_ho_result *r);

struct mihf_ho;	/* one running handover */

/*
 * The switch hook: do the L2/L3 switch to @t, then call
 * mihf_ho_switch_done(@ho, 0 or -errno) exactly once (from inside the hook
 * or later from the loop).  Without a hook the switch step succeeds at
 * once (the link is assumed switched by someone else).
 */
typedef void (*mihf_ho_switch_fn)(void *arg, struct mihf_ho *ho,
				  const struct mihf_ho_target *t);
void mihf_set_switch_hook(struct mihf *m, mihf_ho_switch_fn fn, void *arg);
void mihf_ho_switch_done(struct mihf_ho *ho, int status);

/*
 * PoS: admission control.  Asked for MIH_N2N_HO_Query_Resources and
 * MIH_N2N_HO_Commit at a target PoS: true admits @mmt_id on the PoA
 * @poa (NULL: any of ours).  Without a hook every MMT is admitted while
 * fewer than mihf_cfg.ho_capacity reservations are held.
 */
typedef bool (*mihf_ho_admit_fn)(void *arg, const uint8_t *mmt_id,
				 size_t mmt_id_len, const uint8_t *poa);
void mihf_set_admission(struct mihf *m, mihf_ho_admit_fn fn, void *arg);

/*
 * MMT: start a handover.  One at a time: -EBUSY if one runs; -EINVAL if we
 * are not an MMT or have no serving PoS, no IS server and no target.
 * @done is called exactly once (never from inside this call).
 */
int mihf_handover_start(struct mihf *m, const struct mihf_ho_req *req,
			mihf_ho_done_fn done, void *arg);
/*
 * Serving PoS: start a network-initiated handover of @req->mmt, which
 * must be attached through us (registered).  Candidates: the target PoA
 * if given, else every PoA the other PoSes announced (Capability_Discover
 * link address lists), filtered by link type.  @done is called exactly
 * once (never from inside this call), when the target reports the
 * completion or at the first failing step.  -EINVAL (not a PoS, no MMT),
 * -ESRCH (the MMT is not attached through us), -EBUSY (a run for that MMT
 * is going on), -ENOENT (no candidate PoA; link type unknown for the
 * given PoA), -ENOMEM.
 */
struct mihf_net_ho_req {
	struct mihf_id mmt;		/* the terminal to hand over */
	struct mihf_id target_pos;	/* len 0: the PoS of each PoA */
	uint8_t target_poa[6];		/* only this PoA, if set */
	bool has_target_poa;
	uint8_t link_type;		/* 0 any; else only this LINK_TYPE */
};
int mihf_net_handover_start(struct mihf *m, const struct mihf_net_ho_req *req,
			    mihf_ho_done_fn done, void *arg);

/* Abort the running handover (@done gets -ECANCELED); 0 or -ENOENT */
int mihf_handover_cancel(struct mihf *m);

/* The result as JSON {"status", "step", "reason", "steps": {name: ms},
 * "target": {...}} */
json_object *mihf_ho_result_json(const struct mihf_ho_result *r);

#endif /* MIHSECD_MIHF_HANDOVER_H */
