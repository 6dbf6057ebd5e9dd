# purvey: `make` builds every stage into bin/; `make check` runs every test;
# `make demo` runs the pipeline on the bundled sample snapshot.
# SANITIZE=1 builds with AddressSanitizer and UndefinedBehaviorSanitizer.

CC ?= cc
CFLAGS ?= -O2 -g
PKGS := jansson libarchive zlib libcurl
STAGES := extract transform graph upload

WARN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla
DEFS := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
ifeq ($(SANITIZE),1)
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CONFIG := san
else
SAN :=
CONFIG := rel
endif
# Expanded when a recipe runs, that is after `deps` has installed what was missing.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lm
ALL_CFLAGS = $(WARN) $(DEFS) $(CFLAGS) $(SAN) -Icommon $(PKG_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SAN)

OBJ := build/$(CONFIG)
COMMON_SRC := $(wildcard common/*.c)
COMMON_OBJ := $(COMMON_SRC:%.c=$(OBJ)/%.o)
BINS := $(STAGES:%=bin/purvey-%)
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(OBJ)/tests/%)

.PHONY: all deps check demo bench clean FORCE
.SECONDARY:
all: $(BINS)

# A fresh machine has none of the libraries and tools: install what is missing
# (scripts/install-deps asks dpkg first, so this costs little when all is there).
deps:
	@scripts/install-deps

# bin/ holds one configuration at a time: relink when SANITIZE changes.
build/config: FORCE | deps
	@mkdir -p build
	@echo '$(CONFIG) $(CC) $(CFLAGS)' | cmp -s - $@ || echo '$(CONFIG) $(CC) $(CFLAGS)' > $@

$(OBJ)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(OBJ)/libpurvey.a: $(COMMON_OBJ)
	rm -f $@ && ar rcs $@ $^

.SECONDEXPANSION:
bin/purvey-%: $$(addprefix $(OBJ)/,$$(subst .c,.o,$$(wildcard stages/$$*/*.c))) $(OBJ)/libpurvey.a build/config
	@mkdir -p bin
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(PKG_LIBS)

$(OBJ)/tests/%: tests/unit/%.c $(OBJ)/libpurvey.a | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

check: $(BINS) $(UNIT_BINS)
	@LC_ALL=C UNIT_BINS="$(UNIT_BINS)" tests/run-all.sh

demo: $(BINS)
	@scripts/demo.sh

bench: $(BINS)
	@scripts/bench.sh

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
