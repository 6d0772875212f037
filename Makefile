# dalaba — one build for everything.
#
#   make                 build the libraries and programs into build/
#   make check           install missing Debian packages (as root), build, run every test
#   make check-unit | check-e2e | check-web | check-fuzz    one tier of them
#   make bench           build and run the benchmarks (lines "BENCH <name> <value> <unit>")
#   make run             start dalaba with its embedded defaults
#   make deps            install the Debian 12 packages the project needs
#   make install         PREFIX=/usr/local DESTDIR=
#   make install-speaker the loudspeaker box alone: dalaba-speaker, its man page, unit,
#                        sysusers and tmpfiles (builds nothing of the server)
#   make deb             Debian packages dalaba and dalaba-speaker into build/deb/
#   make deb ARCH=arm64  the dalaba-speaker package for a box (arm64 or armhf), cross-built
#   make cross ARCH=arm64|armhf    dalaba-speaker alone, cross-built, into build-ARCH/
#   make SANITIZER=address|undefined check    the same, under a sanitizer (own build dir)
#   make WERROR=1        warnings are errors (CI sets this)

PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
FUZZ_CC  ?= clang
PKG_CONFIG ?= pkg-config

BUILD := build$(if $(SANITIZER),-$(SANITIZER))
.DEFAULT_GOAL := all
# Keep objects make considers intermediate (test and bench .o files).
.SECONDARY:

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wpointer-arith -Wcast-qual -Wformat=2
ifeq ($(WERROR),1)
WARN += -Werror
endif

SAN_FLAGS :=
ifeq ($(SANITIZER),address)
SAN_FLAGS := -fsanitize=address -fno-omit-frame-pointer
else ifeq ($(SANITIZER),undefined)
SAN_FLAGS := -fsanitize=undefined -fno-sanitize-recover=undefined
else ifneq ($(SANITIZER),)
$(error SANITIZER must be address or undefined)
endif

OPT ?= -O2 -g
# libav*: a voice notice's recording is decoded by FFmpeg's libraries
# (tts/recording_decode.c); LAME has no .pc, so MP3_LIBS names it.
PKGS := espeak-ng libebur128 libopusenc opus speexdsp libsodium alsa sqlite3 glib-2.0 libqrencode \
        libsoup-3.0 json-glib-1.0 libxml-2.0 libavformat libavcodec libswresample libavutil \
        pangocairo
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
MP3_LIBS   = -lmp3lame
# The speaker agent links only what a loudspeaker box needs.
SPK_LIBS    = $(shell $(PKG_CONFIG) --libs opus libsodium alsa 2>/dev/null) -lpthread -lm

# One version for every program (dalaba --version, dalabad --version, the
# API's status).
VERSION  := 0.4.0
CPPFLAGS += -I. -D_GNU_SOURCE -DDALABA_VERSION='"$(VERSION)"'
CFLAGS   += -std=gnu11 $(OPT) $(WARN) $(SAN_FLAGS) -MMD -MP $(PKG_CFLAGS)
LDFLAGS  += $(SAN_FLAGS)
LDLIBS   += $(PKG_LIBS) $(MP3_LIBS) -lpthread -lm

# --- modules: each a static library of its directory's .c files -------------
# A module's main programs live in files named *_main.c and are not archived.
MODULES := tts broadcaster scheduler speakers web-admin cli
define module_rules
$(1)_SRC := $$(filter-out %_main.c,$$(wildcard $(1)/*.c))
$(1)_OBJ := $$($(1)_SRC:%.c=$(BUILD)/%.o)
$(1)_LIB := $$(if $$($(1)_SRC),$(BUILD)/lib$(subst -,_,$(1)).a)
$$($(1)_LIB): $$($(1)_OBJ)
	@mkdir -p $$(@D)
	@rm -f $$@	# members of files moved away must not linger
	$$(AR) rcs $$@ $$^
endef
$(foreach m,$(MODULES),$(eval $(call module_rules,$(m))))
LIBS := $(foreach m,$(MODULES),$($(m)_LIB))
# dalabad's modules in the one direction they depend: web-admin ->
# scheduler -> tts -> broadcaster. A one-pass link in this order fails if
# a lower module ever calls a higher one.
DAEMON_LIBS := $(web-admin_LIB) $(scheduler_LIB) $(tts_LIB) $(broadcaster_LIB)
# tts/ writes and reads its WAV headers with the broadcaster's wav.c (the
# one WAV layout, there so the speaker agent shares it without linking
# tts/): whatever is built from tts/'s sources needs it too.
TTS_DEP_SRC := broadcaster/wav.c

# --- programs -----------------------------------------------------------------
# dalaba: the command line (cli/): a client of dalabad's HTTP API, tts/
# for `dalaba say`, and the speaker agent's output code (speakers/output.c),
# through which say plays; both write WAV headers with broadcaster/wav.c.
# It links nothing of the daemon.
PROGRAMS := $(BUILD)/dalaba $(BUILD)/dalabad $(BUILD)/dalaba-speaker \
            $(BUILD)/dalaba-broadcast
$(BUILD)/dalaba: $(BUILD)/cli/dalaba_main.o $(cli_LIB) $(tts_LIB) $(speakers_LIB) \
                $(broadcaster_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
# dalaba-speaker: the loudspeaker agent (no GLib, no eSpeak).
$(BUILD)/dalaba-speaker: $(BUILD)/speakers/speaker_main.o $(speakers_LIB) $(broadcaster_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(SPK_LIBS)
# dalaba-broadcast: stream a notice or file to speakers without dalabad.
$(BUILD)/dalaba-broadcast: $(BUILD)/broadcaster/broadcast_main.o $(tts_LIB) $(broadcaster_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
# dalabad: the daemon: the scheduler (scheduler/) and the HTTP side on it
# (web-admin/), put together by dalabad_main.c.
$(BUILD)/dalabad: $(BUILD)/scheduler/dalabad_main.o $(DAEMON_LIBS)
	$(CC) $(LDFLAGS) -o $@ $< $(DAEMON_LIBS) $(LDLIBS)

# The phrase dictionary (tts/phrasebook.c reads it at run time): made
# here from Debian's packaged data by a tool of ours, never shipped in the
# tree. rime-data-terra-pinyin and rime-data-luna-pinyin (LGPL-3) hold the
# phrases' readings, rime-essay (LGPL-3) the words and their frequencies,
# unicode-data's Unihan the mainland readings and the simplified forms. Programs find it at ../share/dalaba or share/dalaba next to them.
RIME_DIR   ?= /usr/share/rime-data
UNIHAN_DIR ?= /usr/share/unicode
PHRASES    := $(BUILD)/share/dalaba/phrases.txt
$(BUILD)/phrasebook: tts/phrasebook_main.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 $(WARN) -o $@ $<
$(BUILD)/share/unihan/%.txt: $(UNIHAN_DIR)/%.txt.bz2
	@mkdir -p $(@D)
	bzcat $< > $@.new && mv $@.new $@
PHRASES_MISSING = @echo "make: $@ is missing: apt-get install rime-data-terra-pinyin" \
	    "rime-data-luna-pinyin rime-essay unicode-data bzip2 (or: make deps)" >&2; exit 1
$(UNIHAN_DIR)/%.txt.bz2 $(RIME_DIR)/%.dict.yaml:
	$(PHRASES_MISSING)
$(RIME_DIR)/essay.txt:
	$(PHRASES_MISSING)
$(PHRASES): $(BUILD)/phrasebook $(RIME_DIR)/terra_pinyin.dict.yaml \
    $(RIME_DIR)/luna_pinyin.dict.yaml $(RIME_DIR)/essay.txt \
    $(BUILD)/share/unihan/Unihan_Readings.txt $(BUILD)/share/unihan/Unihan_Variants.txt
	@mkdir -p $(@D)
	$(BUILD)/phrasebook $(wordlist 2,6,$^) > $@.new && mv $@.new $@

# The man pages (doc/man/), installed with the programs; tests/e2e/21_man.sh
# checks they render cleanly and name every option each program knows.
MANDIR ?= $(PREFIX)/share/man
MAN1 := doc/man/dalaba.1 doc/man/dalaba-broadcast.1
MAN8 := doc/man/dalabad.8 doc/man/dalaba-speaker.8

# --- tests ----------------------------------------------------------------------
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_TOOLS := $(BUILD)/tests/wavprobe $(BUILD)/tests/replay_normalize \
              $(BUILD)/tests/forge $(BUILD)/tests/replay_packet $(BUILD)/tests/impair \
              $(BUILD)/tests/mitm $(BUILD)/tests/flood $(BUILD)/tests/spoof \
              $(BUILD)/tests/replay_web $(BUILD)/tests/replay_cap \
              $(BUILD)/tests/asan_sender_race $(BUILD)/tests/notify_listen

# A unit test links its module and what lies below it, in the one order
# they depend (no --start-group): a test cannot lean on a module above.
UNIT_LIBS_broadcaster := $(broadcaster_LIB)
UNIT_LIBS_tts         := $(tts_LIB) $(broadcaster_LIB)
UNIT_LIBS_scheduler   := $(scheduler_LIB) $(tts_LIB) $(broadcaster_LIB)
UNIT_LIBS_web-admin   := $(web-admin_LIB) $(UNIT_LIBS_scheduler)
UNIT_LIBS_speakers    := $(speakers_LIB) $(broadcaster_LIB)
unit_module = $(strip \
    $(if $(filter test_server test_hello test_timeline test_wire test_enroll,$(1)),broadcaster, \
    $(if $(filter test_nack test_clock test_resample test_simclock,$(1)),speakers, \
    $(if $(filter test_normalize test_tts test_loudness test_polyphone test_horn test_recording,$(1)),tts, \
    $(if $(filter test_cap test_cap_out test_share test_web test_metrics,$(1)),web-admin,scheduler)))))
define unit_rule
$(BUILD)/tests/$(1): $(BUILD)/tests/unit/$(1).o $(BUILD)/tests/unit/harness.o \
    $$(UNIT_LIBS_$(call unit_module,$(1)))
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach t,$(UNIT_SRC:tests/unit/%.c=%),$(eval $(call unit_rule,$(t))))
$(BUILD)/tests/wavprobe: $(BUILD)/tests/wavprobe.o
	$(CC) $(LDFLAGS) -o $@ $^ -lm
# Races in the broadcaster, always under AddressSanitizer (whatever
# SANITIZER says): a use after free must abort the test, not pass quietly.
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -g -O1
$(BUILD)/tests/asan_sender_race: tests/asan/sender_race.c $(broadcaster_SRC)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(ASAN_FLAGS) $(WARN) -I. -D_GNU_SOURCE $(PKG_CFLAGS) -o $@ $^ \
	    $(SPK_LIBS)
$(BUILD)/tests/notify_listen: $(BUILD)/tests/notify_listen.o
	$(CC) $(LDFLAGS) -o $@ $^
$(BUILD)/tests/impair: $(BUILD)/tests/impair.o
	$(CC) $(LDFLAGS) -o $@ $^
$(BUILD)/tests/mitm: $(BUILD)/tests/mitm.o
	$(CC) $(LDFLAGS) -o $@ $^
$(BUILD)/tests/forge: $(BUILD)/tests/forge.o $(broadcaster_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/flood: $(BUILD)/tests/flood.o $(broadcaster_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(SPK_LIBS)
$(BUILD)/tests/spoof: $(BUILD)/tests/spoof.o
	$(CC) $(LDFLAGS) -o $@ $^
# The fuzz target built as a plain program that replays the corpus: the
# regression half of fuzzing, available even where clang is not.
$(BUILD)/tests/replay_normalize: $(BUILD)/tests/fuzz/fuzz_normalize.o $(BUILD)/tests/fuzz/replay_main.o $(tts_LIB) $(broadcaster_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/replay_packet: $(BUILD)/tests/fuzz/fuzz_packet.o $(BUILD)/tests/fuzz/replay_main.o $(broadcaster_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/replay_cap: $(BUILD)/tests/fuzz/fuzz_cap.o $(BUILD)/tests/fuzz/replay_main.o $(BUILD)/web-admin/cap.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
FUZZ_WEB_SRC := web-admin/form.c web-admin/typed.c web-admin/api_body.c
$(BUILD)/tests/replay_web: $(BUILD)/tests/fuzz/fuzz_web.o $(BUILD)/tests/fuzz/replay_main.o $(FUZZ_WEB_SRC:%.c=$(BUILD)/%.o)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# libFuzzer builds (clang), always with ASan+UBSan, in their own tree.
FUZZ_DIR := build-fuzz
FUZZ_TARGETS := $(FUZZ_DIR)/fuzz_normalize $(FUZZ_DIR)/fuzz_packet $(FUZZ_DIR)/fuzz_web \
                $(FUZZ_DIR)/fuzz_cap
$(FUZZ_DIR)/fuzz_normalize: tests/fuzz/fuzz_normalize.c $(tts_SRC) $(TTS_DEP_SRC)
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=gnu11 -g -O1 -I. -D_GNU_SOURCE $(PKG_CFLAGS) \
	    -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)
$(FUZZ_DIR)/fuzz_packet: tests/fuzz/fuzz_packet.c $(broadcaster_SRC)
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=gnu11 -g -O1 -I. -D_GNU_SOURCE $(PKG_CFLAGS) \
	    -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)

$(FUZZ_DIR)/fuzz_web: tests/fuzz/fuzz_web.c $(FUZZ_WEB_SRC)
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=gnu11 -g -O1 -I. -D_GNU_SOURCE $(PKG_CFLAGS) \
	    -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)

$(FUZZ_DIR)/fuzz_cap: tests/fuzz/fuzz_cap.c web-admin/cap.c
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=gnu11 -g -O1 -I. -D_GNU_SOURCE $(PKG_CFLAGS) \
	    -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)

# fuzz_target NAME, SOURCES: tests/fuzz/fuzz_NAME.c over the parser in
# SOURCES, as the corpus replayer and as the libFuzzer build.
define fuzz_target
$(BUILD)/tests/replay_$(1): $(BUILD)/tests/fuzz/fuzz_$(1).o $(BUILD)/tests/fuzz/replay_main.o $(2:%.c=$(BUILD)/%.o)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
$(FUZZ_DIR)/fuzz_$(1): tests/fuzz/fuzz_$(1).c $(2)
	@mkdir -p $$(@D)
	$$(FUZZ_CC) -std=gnu11 -g -O1 -I. -D_GNU_SOURCE $$(PKG_CFLAGS) \
	    -fsanitize=fuzzer,address,undefined -o $$@ $$^ $$(LDLIBS)
TEST_TOOLS += $(BUILD)/tests/replay_$(1)
FUZZ_TARGETS += $(FUZZ_DIR)/fuzz_$(1)
endef
$(eval $(call fuzz_target,timetable,scheduler/timetable.c))
$(eval $(call fuzz_target,dalabad_conf,scheduler/config.c scheduler/config_fed.c scheduler/config_mcast.c broadcaster/enroll_msg.c broadcaster/wire.c))
$(eval $(call fuzz_target,speaker_conf,speakers/config.c broadcaster/wire.c))
$(eval $(call fuzz_target,enroll,speakers/enroll.c speakers/config.c broadcaster/wire.c broadcaster/enroll_msg.c))
$(eval $(call fuzz_target,lexicon,$(tts_SRC) $(TTS_DEP_SRC)))
$(eval $(call fuzz_target,credential,web-admin/credential.c))
$(eval $(call fuzz_target,news,scheduler/news.c))
$(eval $(call fuzz_target,recording,$(tts_SRC) $(TTS_DEP_SRC)))

# --- benchmarks -------------------------------------------------------------------
BENCH_BINS := $(BUILD)/bench/tts $(BUILD)/bench/fanout $(BUILD)/bench/polyphone
# Everything the bench scripts run besides the programs: stream.sh puts
# tests/impair in front of its speakers and reads WAVs with tests/wavprobe;
# web.sh and page.sh simulate boxes with speakers_sim; flood.sh floods a
# box with tests/flood.
BENCH_TOOLS := $(BUILD)/speakers_sim $(BUILD)/tests/wavprobe $(BUILD)/tests/impair \
               $(BUILD)/tests/mitm $(BUILD)/tests/flood $(BUILD)/tests/spoof
BENCH_SCRIPTS := bench/stream.sh bench/web.sh bench/page.sh bench/enroll.sh \
                 bench/flood.sh bench/carry.sh bench/sync.sh bench/province.sh \
                 bench/tls.sh
$(BUILD)/speakers_sim: $(BUILD)/bench/speakers_sim.o $(broadcaster_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/bench/%: $(BUILD)/bench/%.o $(BUILD)/bench/figure.o $(LIBS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) -Wl,--start-group $(LIBS) -Wl,--end-group $(LDLIBS)
$(BUILD)/bench/fanout: $(BUILD)/bench/icecast.o

# --- generic compile ----------------------------------------------------------------
$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# --- targets ------------------------------------------------------------------------
.PHONY: check-unit check-e2e check-web check-fuzz all deps deps-check web-deps check test-bins fuzz-build bench run install uninstall clean \
        install-speaker deb cross
all: $(LIBS) $(PROGRAMS) $(PHRASES)

deps:
	@sh .ci/deps install

deps-check:
	@sh .ci/deps ensure

test-bins: all $(UNIT_BINS) $(TEST_TOOLS)

# The browser tests' one npm package, pinned by tests/web/package-lock.json.
web-deps:
	@command -v npm >/dev/null || { echo "web-deps: npm is missing (Node.js 20+ with npm)"; exit 1; }
	@[ -d tests/web/node_modules/playwright-core ] || \
	    (cd tests/web && npm ci --no-audit --no-fund)

# Every tier in one run (one closing line "N passed, N failed").
check: deps-check web-deps
	@$(MAKE) --no-print-directory test-bins
	@$(MAKE) --no-print-directory fuzz-build
	@BUILD=$(BUILD) FUZZ_DIR=$(FUZZ_DIR) sh tests/run.sh

# One tier each: unit tests, build rules and the layering check (no npm,
# no clang); the real programs end to end; the pages in Chromium; the
# fuzzers (corpus replays, and a short libFuzzer run where clang is).
check-unit: deps-check
	@$(MAKE) --no-print-directory test-bins
	@BUILD=$(BUILD) TIER=unit sh tests/run.sh
check-e2e: deps-check
	@$(MAKE) --no-print-directory test-bins
	@BUILD=$(BUILD) TIER=e2e sh tests/run.sh
check-web: deps-check web-deps
	@$(MAKE) --no-print-directory test-bins
	@BUILD=$(BUILD) TIER=web sh tests/run.sh
check-fuzz: deps-check
	@$(MAKE) --no-print-directory test-bins
	@$(MAKE) --no-print-directory fuzz-build
	@BUILD=$(BUILD) FUZZ_DIR=$(FUZZ_DIR) TIER=fuzz sh tests/run.sh

fuzz-build:
	@if command -v $(FUZZ_CC) >/dev/null 2>&1; then \
	    $(MAKE) --no-print-directory $(FUZZ_TARGETS); \
	else echo "note: $(FUZZ_CC) not found; fuzzers not built (corpus still replayed)"; fi

# Each bench runs even when one before it failed (their figures are
# independent); a bench that could not measure a figure exits non-zero, and
# then so does make bench, naming it.
bench: deps-check
	@sh .ci/deps ensure-bench
	@$(MAKE) --no-print-directory all $(BENCH_BINS) $(BENCH_TOOLS)
	@failed=; \
	for b in $(BENCH_BINS); do $$b || failed="$$failed $$b"; done; \
	for s in $(BENCH_SCRIPTS); do BUILD=$(BUILD) sh $$s || failed="$$failed $$s"; done; \
	if [ -n "$$failed" ]; then echo "make bench: FAILED:$$failed" >&2; exit 1; fi

run: deps-check
	@$(MAKE) --no-print-directory all
	@sh scheduler/run-demo.sh $(BUILD)

# Where make install puts the service files; SYSCONFDIR is /etc whatever
# the PREFIX (systemd and Debian look there).
SYSCONFDIR  ?= /etc
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
# The units and tmpfiles get this install's paths as they are installed.
DIST_SED    := sed -e 's|@BINDIR@|$(PREFIX)/bin|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'
# The example configuration: every key of dalabad -n, commented out, so an
# installed server follows the built-in defaults until a key is set.
$(BUILD)/dist/dalabad.conf: $(BUILD)/dalabad
	@mkdir -p $(@D)
	{ echo "# /etc/dalaba/dalabad.conf: dalabad's configuration (see dalabad(8))."; \
	  echo "# Every key with its default, commented out; the unit passes --state-dir."; \
	  $(BUILD)/dalabad -n | sed -e '1d' -e 's/^\([a-z_]* = \)/# \1/'; } > $@.new && mv $@.new $@

install: all $(BUILD)/dist/dalabad.conf
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/
	install -d $(DESTDIR)$(PREFIX)/share/dalaba
	install -m 644 $(PHRASES) $(DESTDIR)$(PREFIX)/share/dalaba/
	install -m 644 $(BUILD)/dist/dalabad.conf $(DESTDIR)$(PREFIX)/share/dalaba/dalabad.conf.example
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR)
	for u in dalabad dalaba-speaker; do \
	    $(DIST_SED) dist/systemd/$$u.service.in > $(DESTDIR)$(UNITDIR)/$$u.service && \
	    chmod 644 $(DESTDIR)$(UNITDIR)/$$u.service || exit 1; done
	install -m 644 dist/sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/dalaba.conf
	$(DIST_SED) dist/tmpfiles.conf > $(DESTDIR)$(TMPFILESDIR)/dalaba.conf
	chmod 644 $(DESTDIR)$(TMPFILESDIR)/dalaba.conf
	@# A configuration the county changed is never overwritten: the new
	@# example lands beside it as dalabad.conf.new.
	install -d $(DESTDIR)$(SYSCONFDIR)/dalaba
	@c=$(DESTDIR)$(SYSCONFDIR)/dalaba/dalabad.conf; \
	if [ ! -e "$$c" ]; then install -m 644 $(BUILD)/dist/dalabad.conf "$$c"; \
	elif ! cmp -s $(BUILD)/dist/dalabad.conf "$$c"; then \
	    install -m 644 $(BUILD)/dist/dalabad.conf "$$c.new"; \
	    echo "make install: $$c is changed and kept; the new example is $$c.new"; fi

uninstall:
	rm -f $(PROGRAMS:$(BUILD)/%=$(DESTDIR)$(PREFIX)/bin/%)
	rm -f $(MAN1:doc/man/%=$(DESTDIR)$(MANDIR)/man1/%) $(MAN8:doc/man/%=$(DESTDIR)$(MANDIR)/man8/%)
	rm -f $(DESTDIR)$(PREFIX)/share/dalaba/phrases.txt \
	    $(DESTDIR)$(PREFIX)/share/dalaba/dalabad.conf.example
	rm -f $(DESTDIR)$(UNITDIR)/dalabad.service $(DESTDIR)$(UNITDIR)/dalaba-speaker.service \
	    $(DESTDIR)$(SYSUSERSDIR)/dalaba.conf $(DESTDIR)$(TMPFILESDIR)/dalaba.conf
	@# $(SYSCONFDIR)/dalaba/dalabad.conf is the county's: left in place.

# The loudspeaker box alone (what the dalaba-speaker package holds): the
# agent, its man page and unit, the dalaba user (sysusers, under a name of
# its own so a server that is also a box has both files) and its state
# directory, made at install so the box can be enrolled into it.
install-speaker: $(BUILD)/dalaba-speaker
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR)
	install -m 755 $(BUILD)/dalaba-speaker $(DESTDIR)$(PREFIX)/bin/
	install -m 644 doc/man/dalaba-speaker.8 $(DESTDIR)$(MANDIR)/man8/
	$(DIST_SED) dist/systemd/dalaba-speaker.service.in > $(DESTDIR)$(UNITDIR)/dalaba-speaker.service
	chmod 644 $(DESTDIR)$(UNITDIR)/dalaba-speaker.service
	install -m 644 dist/sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/dalaba-speaker.conf
	install -m 644 dist/tmpfiles-speaker.conf $(DESTDIR)$(TMPFILESDIR)/dalaba-speaker.conf

# --- Debian packages, and the box on other architectures ------------------------
# make deb: the packages dalaba and dalaba-speaker (debian/, dh, Debian's
# hardening flags), built by dpkg-buildpackage in a copy of the tree so that
# nothing lands beside the checkout: the .debs, .changes and .buildinfo go
# to build/deb/. make deb ARCH=arm64 (or armhf): the dalaba-speaker package
# alone, cross-built (profile pkg.dalaba.speaker-only). dpkg-buildpackage
# names any build dependency missing (apt-get build-dep ./ installs them,
# with -aARCH -Ppkg.dalaba.speaker-only for a box). lintian
# build/deb/*.changes checks the result (tests/e2e/33_deb.sh does).
# ARCH counts only from make's command line (an ARCH in the environment,
# as some shells and kernel builds set, is not a box's architecture).
BOX_ARCH := $(if $(filter command line,$(origin ARCH)),$(ARCH))
DEB_DIR  := build/deb
DEB_ARCH  = $(or $(BOX_ARCH),$(shell dpkg --print-architecture))
DEB_SRC   = $(DEB_DIR)/src-$(DEB_ARCH)
DEB_FLAGS = $(if $(BOX_ARCH),-a$(BOX_ARCH) -B -Ppkg.dalaba.speaker-only,-b)
deb:
	@command -v dpkg-buildpackage >/dev/null || \
	    { echo "make deb: dpkg-buildpackage is missing: apt-get install dpkg-dev debhelper" >&2; exit 1; }
	@v=$$(dpkg-parsechangelog -l debian/changelog -S Version); [ "$$v" = "$(VERSION)" ] || \
	    { echo "make deb: debian/changelog is at $$v, the Makefile at $(VERSION)" >&2; exit 1; }
	rm -rf $(DEB_SRC) && mkdir -p $(DEB_SRC)/dalaba
	tar -c --exclude=./.git --exclude=./build --exclude='./build-*' --exclude=./state \
	    --exclude=./tests/out --exclude=node_modules . | tar -x -C $(DEB_SRC)/dalaba
	cd $(DEB_SRC)/dalaba && dpkg-buildpackage $(DEB_FLAGS) -us -uc -Jauto
	mv $(DEB_SRC)/*.deb $(DEB_SRC)/*.changes $(DEB_SRC)/*.buildinfo $(DEB_DIR)/
	rm -rf $(DEB_SRC)

# make cross ARCH=arm64|armhf: dalaba-speaker alone for a box, with Debian's
# cross toolchain (crossbuild-essential-ARCH) against that architecture's
# multiarch libraries (libopus-dev:ARCH, libsodium-dev:ARCH,
# libasound2-dev:ARCH), into build-ARCH/. tests/e2e/34_arm64.sh runs the
# arm64 build under qemu-user.
CROSS_TRIPLET_arm64 := aarch64-linux-gnu
CROSS_TRIPLET_armhf := arm-linux-gnueabihf
CROSS_TRIPLET        = $(CROSS_TRIPLET_$(BOX_ARCH))
CROSS_PKGS = crossbuild-essential-$(BOX_ARCH) libopus-dev:$(BOX_ARCH) libsodium-dev:$(BOX_ARCH) \
             libasound2-dev:$(BOX_ARCH) pkgconf:$(BOX_ARCH)
cross:
	@[ -n "$(CROSS_TRIPLET)" ] || { echo "make cross: ARCH must be arm64 or armhf" >&2; exit 2; }
	@command -v $(CROSS_TRIPLET)-gcc >/dev/null && \
	    $(CROSS_TRIPLET)-pkg-config --exists opus libsodium alsa 2>/dev/null || \
	    { echo "make cross: the $(BOX_ARCH) toolchain or libraries are missing; as root:" \
	    "dpkg --add-architecture $(BOX_ARCH) && apt-get update &&" \
	    "apt-get install $(CROSS_PKGS)" >&2; exit 1; }
	@$(MAKE) --no-print-directory BUILD=build-$(BOX_ARCH) CC=$(CROSS_TRIPLET)-gcc \
	    AR=$(CROSS_TRIPLET)-ar PKG_CONFIG=$(CROSS_TRIPLET)-pkg-config \
	    PKGS="opus libsodium alsa" build-$(BOX_ARCH)/dalaba-speaker

clean:
	rm -rf build build-address build-undefined build-fuzz build-arm64 build-armhf

# Not under build/deb: a package build's own copy of the tree compiles
# there, and a .d file it is writing while another make reads it (e2e/33
# and 34 side by side) stopped that make with a parse error.
-include $(shell find $(BUILD) -path $(BUILD)/deb -prune -o -name '*.d' -print 2>/dev/null)
