# Install rules and the Debian package (CPack DEB); included from the top-level
# CMakeLists.txt after the targets. The templates of this directory are configured with
# @VAR@ substitution into ${CMAKE_BINARY_DIR}/install/. The paths (EBPFSHIELD_STATE_DIR,
# EBPFSHIELD_FEEDS_DIR, EBPFSHIELD_DUMP_DIR, EBPFSHIELD_CONF_DIR) come from the top level.

set(EBPFSHIELD_SBIN "${CMAKE_INSTALL_FULL_SBINDIR}")
set(EBPFSHIELD_ENV_FILE "${CMAKE_INSTALL_FULL_SYSCONFDIR}/default/ebpfshield-bcc")
set(EBPFSHIELD_DATA_DIR "${CMAKE_INSTALL_FULL_DATADIR}/ebpfshield-bcc")
set(EBPFSHIELD_RUN_DIR "/run/ebpfshield-bcc")
file(SHA256 ${CMAKE_SOURCE_DIR}/feeds/example.txt EBPFSHIELD_EXAMPLE_SHA256)

# systemd's own directory for the prefix /usr (pkg-config systemd; Debian 12:
# /lib/systemd/system, also its value when systemd is not installed), else the prefix's
# lib/systemd/system; -DEBPFSHIELD_SYSTEMD_UNIT_DIR=... chooses another. Computed at every
# configure (not cached), so that systemd installed later is picked up.
if(EBPFSHIELD_SYSTEMD_UNIT_DIR)
  set(EBPFSHIELD_UNIT_DIR "${EBPFSHIELD_SYSTEMD_UNIT_DIR}")
elseif(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  pkg_get_variable(EBPFSHIELD_UNIT_DIR systemd systemdsystemunitdir)
  if(NOT EBPFSHIELD_UNIT_DIR)
    set(EBPFSHIELD_UNIT_DIR /lib/systemd/system)
  endif()
else()
  set(EBPFSHIELD_UNIT_DIR "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
endif()

set(in ${CMAKE_SOURCE_DIR}/cmake/install)
set(out ${CMAKE_BINARY_DIR}/install)
configure_file(${in}/ebpfshield-bcc.8.in ${out}/ebpfshield-bcc.8 @ONLY)
configure_file(${in}/ebpfshield-bcc.service.in ${out}/ebpfshield-bcc.service @ONLY)
configure_file(${in}/ebpfshield-feeds.service.in ${out}/ebpfshield-feeds.service @ONLY)
configure_file(${in}/ebpfshield-feeds.timer ${out}/ebpfshield-feeds.timer COPYONLY)
configure_file(${in}/ebpfshield-bcc.default ${out}/ebpfshield-bcc.default @ONLY)

# The update script: feeds/update-feeds.sh with its two default lines set to this build's
# paths (the source copy stays runnable from the tree).
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_SOURCE_DIR}/feeds/update-feeds.sh)
file(READ ${CMAKE_SOURCE_DIR}/feeds/update-feeds.sh script)
foreach(pair "default_feeds_dir=${EBPFSHIELD_FEEDS_DIR}"
             "default_bin=${EBPFSHIELD_SBIN}/ebpfshield-bcc")
  string(REGEX MATCH "^[a-z_]+=" key "${pair}")
  string(REGEX REPLACE "\n${key}[^\n]*\n" "\n${pair}\n" new "${script}")
  if(new STREQUAL script AND NOT script MATCHES "\n${pair}\n")
    message(FATAL_ERROR "feeds/update-feeds.sh has no line '${key}...' to set")
  endif()
  set(script "${new}")
endforeach()
set(old "")
if(EXISTS ${out}/ebpfshield-update-feeds)
  file(READ ${out}/ebpfshield-update-feeds old)
endif()
if(NOT old STREQUAL script)
  file(WRITE ${out}/ebpfshield-update-feeds "${script}")
endif()
file(CHMOD ${out}/ebpfshield-update-feeds
     PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                 WORLD_READ WORLD_EXECUTE)

install(TARGETS ebpfshield-bcc RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(PROGRAMS ${out}/ebpfshield-update-feeds DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(FILES ${out}/ebpfshield-bcc.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${in}/ebpfshield-bcc.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME ebpfshield-bcc)
install(FILES ${out}/ebpfshield-bcc.service ${out}/ebpfshield-feeds.service
              ${out}/ebpfshield-feeds.timer
        DESTINATION ${EBPFSHIELD_UNIT_DIR})
install(FILES ${out}/ebpfshield-bcc.default
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/default RENAME ebpfshield-bcc)
install(FILES feeds/example.txt feeds/README.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/ebpfshield-bcc)

# The Debian package: cpack -G DEB in a build directory configured with the prefix /usr.
set(deb ${CMAKE_BINARY_DIR}/debian)
configure_file(${in}/postinst.in ${deb}/postinst @ONLY
               FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
                                GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
configure_file(${in}/prerm.in ${deb}/prerm @ONLY
               FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
                                GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
configure_file(${in}/postrm.in ${deb}/postrm @ONLY
               FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
                                GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
file(WRITE ${deb}/conffiles "${EBPFSHIELD_ENV_FILE}\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ebpfshield-bcc)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "ebpfshield-bcc maintainers <ebpfshield-bcc@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "eBPF DNS monitor and threat-feed connection guard (libbcc)")
set(CPACK_PACKAGE_DESCRIPTION
    "A C port of eBPFShield on libbcc: ebpf_monitor prints every DNS query and A/AAAA
answer of the host with the process behind it; ebpf_ipintelligence checks every
outbound connection against threat feeds and can refuse it, stop, kill or core
the process. Ships a hardened systemd service (not enabled on install) and a
daily feed updater timer.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/sagarbhure/eBPFShield")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Beyond the shared libraries: curl, flock and pkill for the feed updater.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "curl, util-linux, procps")
# gdb's gcore for --block dump; libbcc compiles against the running kernel's headers.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gdb, linux-headers-amd64")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${deb}/postinst ${deb}/prerm ${deb}/postrm
                                      ${deb}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Absolute destinations (/etc, the unit directory) go under the staging DESTDIR.
set(CPACK_SET_DESTDIR ON)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES OFF)
include(CPack)
