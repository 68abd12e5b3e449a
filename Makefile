# nvgrect - one non-recursive Makefile.
#   make            build lib + nvgrect          make check   deps, build, every test
#   make san        ASan+UBSan build + tests     make deps    Debian packages (apt-get)
#   make fuzz       libFuzzer targets, timed     make bench   peers vs us, ratios
#   make demo       two reference endpoints, the matrix, an HTML report
#   make install PREFIX=/usr/local
# V=1 shows commands; BUILD=dir builds out of tree (default build/).

VERSION := 0.1.0
PREFIX ?= /usr/local
BUILD ?= build
CC ?= cc
CFLAGS ?= -O2 -g
Q := $(if $(V),,@)

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wcast-qual -Wwrite-strings -Wundef -Wpointer-arith -Wvla \
	-Wno-format-nonliteral
ifeq ($(CI),true)
WARN += -Werror
endif
ifdef WERROR
WARN += -Werror
endif

PKGS := libpcap check yaml-0.1
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs libpcap yaml-0.1 2>/dev/null)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)

override CFLAGS += -std=c11 -D_DEFAULT_SOURCE -DNV_VERSION='"$(VERSION)"' \
	-Iinclude $(WARN) $(PKG_CFLAGS) -MMD -MP
LDLIBS_ALL = $(PKG_LIBS) -lnet -lcap-ng -lm -lpthread

LIB_SRCS := $(sort $(wildcard core/*.c gen/*.c verify/*.c ref/*.c reports/*.c))
CLI_SRCS := $(sort $(wildcard cli/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/%.o)

LIB := $(BUILD)/libnvgrect.a
BIN := $(BUILD)/nvgrect
UNIT := $(BUILD)/check_nvgrect
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
REPLAY_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/replay_%)


.PHONY: all deps check check-unit check-scripts san san-check install fuzz bench demo clean lint
all: $(BIN) nvgrect

nvgrect: $(BIN)
	$(Q)ln -sf $(BIN) nvgrect

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(CLI_OBJS) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(LDLIBS_ALL)

$(UNIT): $(UNIT_OBJS) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(UNIT_OBJS) $(LIB) $(LDLIBS_ALL) $(CHECK_LIBS)

# The fuzz targets linked with a plain main() that replays files: no libFuzzer.
$(BUILD)/replay_%: tests/fuzz/%.c tests/fuzz/onefile.c $(LIB)
	$(Q)$(CC) $(CFLAGS) -o $@ $< tests/fuzz/onefile.c $(LIB) $(LDLIBS_ALL)

# --- dependencies ------------------------------------------------------------
DEB_PKGS := build-essential pkg-config libpcap-dev libnet1-dev check libsubunit-dev \
	libyaml-dev libcap-ng-dev clang libclang-rt-14-dev tshark python3-scapy \
	openvswitch-switch tcpreplay netsniff-ng libxml2-utils jq iproute2 valgrind \
	chromium procps python3-jsonschema python3-yaml strace wireshark-common time
deps:
	$(Q)sh tests/deps.sh $(DEB_PKGS)

# --- tests -------------------------------------------------------------------
# tests/*/check-*.sh are run in name order; each exits non-zero on failure and
# 77 to say "skipped". The Check unit runner comes last so its summary ends
# the output.
CHECK_SCRIPTS = $(sort $(wildcard tests/*/check-*.sh))

check: deps
	$(Q)$(MAKE) --no-print-directory all $(UNIT) $(REPLAY_BINS)
	$(Q)$(MAKE) --no-print-directory check-scripts
	$(Q)$(MAKE) --no-print-directory san-check
	$(Q)$(MAKE) --no-print-directory check-unit

check-scripts:
	$(Q)fail=0; for t in $(CHECK_SCRIPTS); do \
		echo "== $$t"; t0=$$(date +%s); \
		NVGRECT=$(abspath $(BIN)) BUILD=$(abspath $(BUILD)) sh $$t; rc=$$?; \
		echo "-- $$t: $$(( $$(date +%s) - t0 )) s"; \
		if [ $$rc -eq 77 ]; then echo "-- $$t: skipped"; \
		elif [ $$rc -ne 0 ]; then echo "!! $$t: FAILED ($$rc)"; fail=1; fi; \
	done; exit $$fail

check-unit: $(UNIT)
	$(Q)cd tests/unit && NVGRECT=$(abspath $(BIN)) $(abspath $(UNIT))

# ASan+UBSan: the unit tests and the golden (file-based) tests, in build-san/.
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
SAN_MAKE = $(MAKE) --no-print-directory BUILD=build-san CFLAGS="$(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)"
GOLDEN_SCRIPTS = $(sort $(wildcard tests/golden/check-*.sh))
san-check:
	$(Q)$(SAN_MAKE) build-san/nvgrect build-san/check_nvgrect
	$(Q)echo "== sanitizers: golden tests"; \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	$(MAKE) --no-print-directory BUILD=build-san CHECK_SCRIPTS="$(GOLDEN_SCRIPTS)" check-scripts
	$(Q)echo "== sanitizers: unit tests"; \
	ASAN_OPTIONS=detect_leaks=1 $(SAN_MAKE) check-unit
san: deps san-check

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/nvgrect/suites \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/nvgrect
	cp -R suites/. $(DESTDIR)$(PREFIX)/share/nvgrect/suites/
	install -m 644 man/nvgrect.1 $(DESTDIR)$(PREFIX)/share/man/man1/nvgrect.1

FUZZ_TIME ?= 60
fuzz: $(LIB)
	$(Q)sh tests/fuzz/run.sh $(FUZZ_TIME)

bench: all
	$(Q)NVGRECT=$(abspath $(BIN)) BUILD=$(abspath $(BUILD)) sh tests/bench/run.sh

demo: deps all
	$(Q)NVGRECT=$(abspath $(BIN)) sh tests/e2e/demo.sh

lint:
	$(Q)cppcheck --quiet --error-exitcode=1 --enable=warning,portability -Iinclude core gen verify ref reports cli
	$(Q)! grep -rn '[[:space:]]$$' --include='*.c' --include='*.h' core gen verify ref reports cli include

clean:
	rm -rf build build-san build-fuzz nvgrect

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(UNIT_OBJS:.o=.d)
