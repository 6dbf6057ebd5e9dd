/*
 * Inputs: files, directories (walked in byte order of names), "-" for stdin.
 * Every byte stream is opened with libarchive: an archive is walked member by
 * member (members that are archives themselves are opened in turn, streamed
 * from the outer one), anything else is read through libarchive's "raw"
 * format, which also undoes gzip, bzip2, xz, zstd, ... compression. So the
 * format is told from the bytes, never from the name.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "extract.h"
#include "strutil.h"
#include "banned.h"

#define BLOCK (64 * 1024)

static struct archive *reader_new(void)
{
	struct archive *a = archive_read_new();

	if (!a)
		diag_die(70, "cannot allocate an archive reader");
	archive_read_support_filter_all(a);
	/* Not format_all: mtree and warc claim plain JSON text. */
	archive_read_support_format_tar(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_7zip(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_ar(a);
	archive_read_support_format_iso9660(a);
	archive_read_support_format_xar(a);
	archive_read_support_format_cab(a);
	archive_read_support_format_lha(a);
	archive_read_support_format_rar(a);
	archive_read_support_format_rar5(a);
	archive_read_support_format_raw(a);
	archive_read_support_format_empty(a);
	return a;
}

static void read_stream(struct extract *x, struct archive *a, struct archive *root,
			const struct where *w, int depth);

/* A member of an archive read as a stream of its own. */
struct member_src {
	struct archive *outer;
	char buf[BLOCK];
};

static la_ssize_t member_read(struct archive *inner, void *data, const void **buf)
{
	struct member_src *m = data;
	la_ssize_t n = archive_read_data(m->outer, m->buf, sizeof(m->buf));

	if (n < 0) {
		archive_set_error(inner, archive_errno(m->outer), "%s",
				  archive_error_string(m->outer));
		return -1;
	}
	*buf = m->buf;
	return n;
}

static char *join(const char *a, const char *sep, const char *b)
{
	return a ? xasprintf("%s%s%s", a, sep, b) : xstrdup(b);
}

static void read_member(struct extract *x, struct archive *outer, struct archive *root,
			const struct where *w, const char *name, int depth)
{
	struct member_src *m = xmalloc(sizeof(*m));
	struct archive *inner = reader_new();
	struct where mw = *w;
	char *member = join(w->loc.member, ":", name);
	char *src_member = join(w->src_member, "/", name);

	m->outer = outer;
	mw.loc.member = member;
	mw.loc.line = 0;
	mw.src_member = src_member;
	if (archive_read_open(inner, m, NULL, member_read, NULL) != ARCHIVE_OK) {
		x->bad_data = 1;
		diag_error(&mw.loc, "cannot read member: %s", archive_error_string(inner));
	} else {
		read_stream(x, inner, root, &mw, depth);
	}
	archive_read_free(inner);
	free(member);
	free(src_member);
	free(m);
}

/* Walks an archive's members; e is the entry read_stream() already read. */
static void read_members(struct extract *x, struct archive *a, struct archive *root,
			 const struct where *w, struct archive_entry *e, int depth)
{
	int r = ARCHIVE_OK, files = 0;

	if (depth >= x->opt.max_archive_depth) {
		x->bad_data = 1;
		diag_error(&w->loc, "archives nested more than %d deep (--max-archive-depth)",
			   x->opt.max_archive_depth);
		return;
	}
	for (; r == ARCHIVE_OK || r == ARCHIVE_WARN; r = archive_read_next_header(a, &e)) {
		char *name;

		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		files++;
		name = xstrdup(archive_entry_pathname(e) ? archive_entry_pathname(e) : "?");
		read_member(x, a, root, w, name, depth + 1);
		free(name);
	}
	if (r != ARCHIVE_EOF) {
		x->bad_data = 1;
		diag_error(&w->loc, "damaged archive: %s", archive_error_string(a));
	} else if (files == 0) {
		diag_warn(&w->loc, "archive has no files");
	}
}

/* Reads an opened stream: an archive's members, or a single raw stream. */
static void read_stream(struct extract *x, struct archive *a, struct archive *root,
			const struct where *w, int depth)
{
	struct archive_entry *e;
	int r = archive_read_next_header(a, &e);

	if (!root)
		root = a;
	if (r == ARCHIVE_EOF && archive_format(a) == ARCHIVE_FORMAT_EMPTY) {
		diag_warn(&w->loc, "empty input");
	} else if (r == ARCHIVE_EOF) {
		diag_warn(&w->loc, "archive has no files");
	} else if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
		x->bad_data = 1;
		diag_error(&w->loc, "cannot read: %s", archive_error_string(a));
	} else if (archive_format(a) == ARCHIVE_FORMAT_RAW) {
		extract_content(x, a, root, w);
	} else {
		read_members(x, a, root, w, e, depth);
	}
}

static void read_file(struct extract *x, const char *path, const struct where *w)
{
	struct archive *a = reader_new();
	int r;

	if (strcmp(path, "-") == 0)
		r = archive_read_open_fd(a, 0, BLOCK);
	else
		r = archive_read_open_filename(a, path, BLOCK);
	if (r != ARCHIVE_OK) {
		const char *why = archive_error_string(a);
		int e = archive_errno(a);

		/* It exists (stat said so): unless the system refused it, it is damaged. */
		if (e == ENOENT || e == EACCES || e == EPERM || e == ENOTDIR || e == EISDIR) {
			x->no_input = 1;
			diag_error(&w->loc, "cannot open: %s", why ? why : strerror(e));
		} else {
			x->bad_data = 1;
			diag_error(&w->loc, "cannot read: %s", why ? why : "unknown error");
		}
	} else {
		read_stream(x, a, NULL, w, 0);
	}
	archive_read_free(a);
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int skip_name(const struct dirent *d)
{
	return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

static void read_path(struct extract *x, const char *path, const struct where *w, int top);

static void read_dir(struct extract *x, const char *path, const struct where *w)
{
	struct dirent **names;
	int n = scandir(path, &names, skip_name, name_cmp);

	if (n < 0) {
		x->no_input = 1;
		diag_error(&w->loc, "cannot open directory: %s", strerror(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		char *child = xasprintf("%s/%s", path, names[i]->d_name);
		char *rel = join(w->src_member, "/", names[i]->d_name);
		struct where cw = *w;

		cw.loc.file = child;
		cw.src_member = rel;
		read_path(x, child, &cw, 0);
		free(child);
		free(rel);
		free(names[i]);
	}
	free(names);
}

static void read_path(struct extract *x, const char *path, const struct where *w, int top)
{
	struct stat st;

	if (strcmp(path, "-") == 0) {
		read_file(x, path, w);
		return;
	}
	if (stat(path, &st) != 0) {
		x->no_input = 1;
		diag_error(&w->loc, "cannot open: %s", strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode))
		read_dir(x, path, w);
	else if (S_ISREG(st.st_mode) || top)
		read_file(x, path, w);
	/* sockets, fifos and devices met while walking a directory are skipped */
}

static const char *base_name(const char *path)
{
	const char *end = path + strlen(path), *p;

	while (end > path + 1 && end[-1] == '/')
		end--;
	for (p = end; p > path && p[-1] != '/'; p--)
		;
	return p;
}

void extract_input(struct extract *x, const char *arg)
{
	struct where w = {{arg, NULL, 0, 0}, NULL, NULL};
	const char *b = strcmp(arg, "-") == 0 ? "-" : base_name(arg);
	char *name = xstrdup(b);

	/* "dir/" names the directory "dir" */
	name[strcspn(name, "/")] = '\0';
	if (!*name) {
		free(name);
		name = xstrdup("/");
	}
	w.src_input = name;
	json_array_append_new(x->inputs, json_pack("{s:s}", "name", name));
	read_path(x, arg, &w, 1);
	free(name);
}
