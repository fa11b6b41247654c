# SPDX-License-Identifier: MIT
# draco-verify: one non-recursive Makefile.  Output goes to $(BUILD) (default build/).
#
# Modules are layered (see docs/architecture.md); each is compiled into its own archive so that a
# module's tests link only what it may depend on:
#   util <- domains;  util <- elf <- ir <- cfg;  ir <- platform;
#   {ir,cfg,domains,platform} <- analysis <- check <- api
# The public libraries libdracoverify.a/.so are all modules together.

BUILD     ?= build
PREFIX    ?= /usr/local
CC        ?= cc
CLANG     ?= clang
WERROR    ?=
SANITIZE  ?=
OPT       ?= -O2 -g

PKGS      := libelf libbpf gmp yaml-0.1
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lelf -lbpf -lgmp -lyaml)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)

WARN    := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wswitch-enum -Wno-missing-field-initializers
ifneq ($(WERROR),)
WARN    += -Werror
endif
SANFLAGS :=
ifneq ($(SANITIZE),)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
CFLAGS_ALL := -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(SANFLAGS) -fPIC -fvisibility=hidden \
              -Iinclude -Ilib -I. $(PKG_CFLAGS) -MMD -MP $(CFLAGS)
LDFLAGS_ALL := $(SANFLAGS) $(LDFLAGS)

MODULES := util domains elf ir cfg platform analysis check api
src_util      := $(wildcard lib/util/*.c)
src_domains   := $(wildcard domains/*.c)
src_elf       := $(wildcard lib/elf/*.c)
src_ir        := $(wildcard lib/ir/*.c)
src_cfg       := $(wildcard lib/cfg/*.c)
src_platform  := $(wildcard lib/platform/*.c)
src_analysis  := $(wildcard lib/analysis/*.c)
src_check     := $(wildcard lib/check/*.c)
src_api       := $(wildcard lib/api*.c)
# link order (a module first, then what it depends on)
deps_util     := util
deps_domains  := domains util
deps_elf      := elf util
deps_ir       := ir elf util
deps_cfg      := cfg ir elf util
deps_platform := platform ir elf util
deps_analysis := analysis cfg platform ir elf domains util
deps_check    := check analysis cfg platform ir elf domains util
deps_api      := api check analysis cfg platform ir elf domains util

objs = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIB_OBJS := $(foreach m,$(MODULES),$(call objs,$(src_$(m))))
marchive = $(BUILD)/mod/lib$(1).a

.PHONY: all deps demo check asan bench install check-layers clean conformance ebpf tests
all: $(BUILD)/libdracoverify.a $(BUILD)/libdracoverify.so $(BUILD)/draco-check

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

define module_rule
$(call marchive,$(1)): $(call objs,$(src_$(1)))
	@mkdir -p $$(dir $$@)
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach m,$(MODULES),$(eval $(call module_rule,$(m))))

$(BUILD)/libdracoverify.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libdracoverify.so: $(LIB_OBJS) lib/dracoverify.map
	$(CC) -shared -o $@ $(LIB_OBJS) -Wl,--version-script=lib/dracoverify.map -Wl,-soname,libdracoverify.so.0 $(LDFLAGS_ALL) $(PKG_LIBS)

CLI_SRC := $(wildcard cli/*.c)
$(BUILD)/draco-check: $(call objs,$(CLI_SRC)) $(BUILD)/libdracoverify.a
	$(CC) -o $@ $(call objs,$(CLI_SRC)) $(BUILD)/libdracoverify.a $(LDFLAGS_ALL) $(PKG_LIBS) -lpthread

# ---- eBPF programs written in this repo (compiled with clang -target bpf at build time) ----
EBPF_SRC  := $(wildcard tests/ebpf/*.c)
EBPF_OBJS := $(patsubst tests/ebpf/%.c,$(BUILD)/ebpf/%.o,$(EBPF_SRC))
ARCH_INC  := /usr/include/$(shell $(CC) -dumpmachine 2>/dev/null)
$(BUILD)/ebpf/%.o: tests/ebpf/%.c
	@mkdir -p $(dir $@)
	$(CLANG) -target bpf -O2 -g -Wall -Iinclude -I$(ARCH_INC) -c $< -o $@
ebpf: $(EBPF_OBJS)

# ---- unit tests: one Check runner per file tests/check_<module>[_<topic>].c ----
# The runner links the archives of <module> and what it depends on; its main() is generated from
# the `Suite *draco_suite_*(void)` functions found in the file.
TEST_SRC := $(wildcard tests/check_*.c)
test_module = $(word 2,$(subst _, ,$(basename $(notdir $(1)))))
define test_rule
$(BUILD)/tests/$(basename $(notdir $(1)))_main.c: $(1) scripts/gen-check-main.sh
	@mkdir -p $$(dir $$@)
	sh scripts/gen-check-main.sh $(1) > $$@
$(BUILD)/tests/$(basename $(notdir $(1))): $(call objs,$(1)) $(BUILD)/tests/$(basename $(notdir $(1)))_main.o $(foreach d,$(deps_$(call test_module,$(1))),$(call marchive,$(d)))
	$(CC) -o $$@ $$(filter %.o,$$^) $(foreach d,$(deps_$(call test_module,$(1))),$(call marchive,$(d))) $(LDFLAGS_ALL) $(CHECK_LIBS) $(PKG_LIBS) -lm
endef
$(foreach t,$(TEST_SRC),$(eval $(call test_rule,$(t))))
$(BUILD)/tests/%_main.o: $(BUILD)/tests/%_main.c
	$(CC) $(CFLAGS_ALL) $(CHECK_CFLAGS) -c $< -o $@
$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(CHECK_CFLAGS) -Wno-missing-prototypes -Itests -c $< -o $@

TEST_RUNNERS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
# stand-alone test programs (corpus, objdump agreement, ...): tests/prog_*.c, linked with the full library
PROG_SRC  := $(wildcard tests/prog_*.c)
PROG_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(PROG_SRC))
$(BUILD)/tests/prog_%: $(BUILD)/obj/tests/prog_%.o $(BUILD)/libdracoverify.a
	@mkdir -p $(dir $@)
	$(CC) -o $@ $< $(BUILD)/libdracoverify.a $(LDFLAGS_ALL) $(PKG_LIBS) -lpthread -lm
tests: $(TEST_RUNNERS) $(PROG_BINS) $(EBPF_OBJS) all

deps:
	@sh scripts/install-deps.sh

check: deps
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) sh scripts/run-tests.sh $(TEST_RUNNERS)

asan:
	@$(MAKE) --no-print-directory check BUILD=build-asan SANITIZE=1 OPT="-O1 -g"

demo: deps
	@$(MAKE) --no-print-directory all $(BUILD)/ebpf/example_xdp.o
	@echo "== draco-check --list $(BUILD)/ebpf/example_xdp.o"
	@$(BUILD)/draco-check --list $(BUILD)/ebpf/example_xdp.o
	@echo "== draco-check $(BUILD)/ebpf/example_xdp.o"
	@$(BUILD)/draco-check $(BUILD)/ebpf/example_xdp.o

conformance: deps
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) sh scripts/run-tests.sh --only-conformance

bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench/bench_frontend $(BUILD)/bench/bench_verify
	@BUILD=$(BUILD) sh bench/run.sh

BENCH_SRC := $(wildcard bench/*.c)
$(BUILD)/bench/%: bench/%.c $(BUILD)/libdracoverify.a $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libdracoverify.a $(LDFLAGS_ALL) $(PKG_LIBS) -lm

install: all
	install -d $(DESTDIR)$(PREFIX)/include/draco $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 644 include/dracoverify.h $(DESTDIR)$(PREFIX)/include/
	for h in include/draco/*.h; do [ -f "$$h" ] && install -m 644 "$$h" $(DESTDIR)$(PREFIX)/include/draco/ || true; done
	install -m 644 $(BUILD)/libdracoverify.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(BUILD)/libdracoverify.so $(DESTDIR)$(PREFIX)/lib/libdracoverify.so.0
	ln -sf libdracoverify.so.0 $(DESTDIR)$(PREFIX)/lib/libdracoverify.so
	install -m 755 $(BUILD)/draco-check $(DESTDIR)$(PREFIX)/bin/
	sed -e 's|@PREFIX@|$(PREFIX)|g' scripts/dracoverify.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/dracoverify.pc

check-layers:
	@sh scripts/check-layers.sh
	@sh scripts/check-globals.sh $(BUILD)/libdracoverify.a

clean:
	rm -rf $(BUILD) build-asan

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---- fuzzing (clang libFuzzer): `make fuzz FUZZ_SECONDS=60` ----
FUZZ_SECONDS ?= 60
FUZZ_BUILD := build-fuzz
.PHONY: fuzz
fuzz: deps
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang SANITIZE=1 OPT="-O1 -g" $(FUZZ_BUILD)/libdracoverify.a
	clang -O1 -g -fsanitize=fuzzer,address,undefined -Iinclude tests/fuzz_loader.c $(FUZZ_BUILD)/libdracoverify.a $(PKG_LIBS) -o $(FUZZ_BUILD)/fuzz_loader
	@mkdir -p $(FUZZ_BUILD)/corpus
	@if [ -d ../shared/corpus/ebpf-samples ]; then find ../shared/corpus/ebpf-samples -type f -size -200k -exec cp {} $(FUZZ_BUILD)/corpus/ \; ; fi
	@cp $(BUILD)/ebpf/*.o $(FUZZ_BUILD)/corpus/ 2>/dev/null || true
	$(FUZZ_BUILD)/fuzz_loader -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 -max_len=262144 $(FUZZ_BUILD)/corpus
