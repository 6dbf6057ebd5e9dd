/* purvey-transform: the record stream to the Atlas request stream. */
#ifndef PURVEY_TRANSFORM_H
#define PURVEY_TRANSFORM_H

#include <stdio.h>
#include <jansson.h>

#include "diag.h"
#include "timefmt.h"

/* Our Atlas entity types, by role. Names are the prefix plus the role's name. */
enum tf_type {
	T_WORKSPACE,
	T_DATASTORE,
	T_DATA_ASSET,
	T_MODEL,
	T_JOB_OUTPUT,
	T_PIPELINE,
	T_JOB,
	T_PIPELINE_STEP,
	T_DATA_REGISTRATION,
	T_COUNT
};

/* Request order: an entity refers only to entities of a lower level. */
enum tf_level { L_WORKSPACE, L_ASSET, L_PIPELINE, L_PROCESS, L_COUNT };

struct tf_opts {
	const char *prefix;     /* type name prefix */
	long batch_entities;    /* at most this many entities a request */
	long batch_bytes;       /* at most this many bytes of body a request */
	int allow_partial;      /* accept an incomplete record stream */
	int quiet;
};

/* Where the winning copy of an object lies in the spool, and what orders it. */
struct tf_record {
	char *id;
	long off;
	size_t len;
	char kind[24];
	char time[TIME_CANON_MAX]; /* modified_at, else created_at, else "" */
	char hash[17];             /* of its content, to break ties */
	unsigned char pipeline;    /* a pipeline job */
};

struct transform {
	struct tf_opts opt;
	char *type_names[T_COUNT];
	const char *input_name;  /* for messages */
	FILE *spool;             /* the records read, for the second pass */
	json_t *header;          /* the record stream's header */
	json_t *records;         /* id -> index in recs */
	struct tf_record *recs;  /* the winning copies */
	size_t n_recs, cap_recs;
	size_t *order;           /* indices of recs, by id */
	json_t *datastores;      /* "wsid/name" -> datastore fields */
	json_t *versions;        /* "wsid/collection/name" -> [versions] */
	json_t *steps;           /* pipeline job id -> {step: child job record summary or {}} */
	json_t *children;        /* child job id -> {"pipeline": id, "step": name} */
	json_t *job_models;      /* job id -> [targets] of models it produced */
	json_t *job_outputs;     /* job id -> {output name: target} */
	json_t *output_paths;    /* [[storage qualifiedName, job id]] */
	json_t *skipped;         /* kind -> records that make no entity */
	json_t *missing_workspaces; /* workspace ids referenced but not in the snapshot */
	long records_read, duplicates, unresolved, cut;
	/* output */
	json_t *batch;           /* entities of the request being filled */
	json_t *placeholders;    /* "type qualifiedName" -> "-N" in that request */
	size_t batch_size;
	long requests, entities;
	int write_failed;
	int write_errno;         /* errno of the first failed write */
	int partial;             /* an incomplete record stream was accepted */
};

/* types.c */
void tf_types_init(struct transform *tf);
const char *tf_type(const struct transform *tf, enum tf_type t);
/* Checks that attribute attr is defined for type t (a programming error otherwise). */
const char *tf_attr_type(enum tf_type t, const char *attr);
json_t *tf_typedefs(const struct transform *tf); /* {"entityDefs":[..],"relationshipDefs":[..]} */

/* input.c: reads and checks the record stream, keeps the newest copy of each object. */
int tf_read(struct transform *tf, FILE *in);
json_t *tf_load(struct transform *tf, const struct tf_record *r); /* the record, new reference */
/* Calls fn on every winning record that want() accepts, in id order. */
void tf_each(struct transform *tf, int (*want)(const struct tf_record *),
	     void (*fn)(struct transform *, json_t *));

/* index.c: what resolution needs, from the winning records. */
void tf_index(struct transform *tf);
char *tf_key(const char *a, const char *b); /* "a/b", malloc'd */

/* resolve.c: references to targets {"$t": type name, "$q": qualifiedName}. */
json_t *tf_target(const char *type, const char *qn);
json_t *tf_storage_of_datastore_path(struct transform *tf, const char *wsid, const char *ds,
				     const char *path);
json_t *tf_storage_of_url(json_t *ref);
/* A data reference (an io's "ref", a data_uri): the entity it names, or NULL (warned). */
json_t *tf_resolve_ref(struct transform *tf, json_t *ref, const char *wsid, const char *what);
char *tf_ref_text(json_t *ref); /* the reference written out (azureml://..., https://...) */
char *tf_asset_uri(const char *arm_id);
void tf_warn(struct transform *tf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* entities.c: the entities a record makes, at one level. */
void tf_record_entities(struct transform *tf, json_t *rec, enum tf_level level);
/* The entity an output of job rec writes: its registered asset, or a job output. */
json_t *tf_output_target(struct transform *tf, json_t *rec, const char *name, json_t *io);
/* The same, warning (once: from the index) when a registered asset is not in the snapshot. */
json_t *tf_output_target_warn(struct transform *tf, json_t *rec, const char *name, json_t *io, int warn);
/* An output of a job named by "azureml://jobs/JOB/outputs/OUT". */
json_t *tf_job_output_target(struct transform *tf, const char *wsid, const char *job, const char *output);

/* emit.c: batching into requests. */
void tf_emit_typedefs(struct transform *tf);
void tf_emit_entity(struct transform *tf, json_t *entity); /* steals entity */
void tf_flush(struct transform *tf);
int tf_write(struct transform *tf, json_t *line); /* steals line */

#endif
