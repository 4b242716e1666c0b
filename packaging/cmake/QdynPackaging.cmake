# Packages (CPack): on Linux one .deb or .rpm per component.
#   qdyn         the CLI and agent (cli), its man page and systemd units
#   qdyn-server  the server (server), its man page, units and packaged configuration
#   qdyn-tray    the tray app (tray)
#   cpack -G DEB --config build/release/CPackConfig.cmake     (RPM with rpmbuild installed)
# On Windows an NSIS installer (WiX too) with the three as components; on macOS a DMG holding
# qdyn-tray.app (QdynPackagingWindows / QdynPackagingMacos below, .github/workflows/ci.yml).
include(GNUInstallDirs)

# The bundle's Info.plist, rendered on every platform: gui/CMakeLists.txt uses it on macOS, and
# tests/packaging/macos_bundle_test.sh reads it here.
if(CMAKE_OSX_DEPLOYMENT_TARGET)
  set(QDYN_MACOS_MINIMUM_VERSION ${CMAKE_OSX_DEPLOYMENT_TARGET})
else()
  set(QDYN_MACOS_MINIMUM_VERSION 12.0)  # what Qt 6.8, Homebrew's, supports
endif()
configure_file(${PROJECT_SOURCE_DIR}/packaging/macos/Info.plist.in ${PROJECT_BINARY_DIR}/packaging/macos/Info.plist @ONLY)

# Linux only: the units and /etc are meaningless elsewhere, and NSIS refuses absolute destinations.
if(UNIX AND NOT APPLE)
set(QDYN_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING "Where the systemd units are installed (relative to the prefix)")
install(FILES ${PROJECT_SOURCE_DIR}/packaging/linux/qdyn.service
              ${PROJECT_SOURCE_DIR}/packaging/linux/qdyn-update.service
              ${PROJECT_SOURCE_DIR}/packaging/linux/qdyn-update.timer
        DESTINATION ${QDYN_SYSTEMD_UNIT_DIR} COMPONENT cli)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/linux/qdyn-server.service
              ${PROJECT_SOURCE_DIR}/packaging/linux/qdyn-server-dns.socket
              ${PROJECT_SOURCE_DIR}/packaging/linux/qdyn-server-http.socket
        DESTINATION ${QDYN_SYSTEMD_UNIT_DIR} COMPONENT server)
# The server's configuration: a conffile, made private to the qdyn user by postinst.
# (An absolute destination: /etc whatever the prefix, as the units expect it there.)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/linux/qdyn-server.toml
        DESTINATION /etc/qdyn PERMISSIONS OWNER_READ OWNER_WRITE COMPONENT server)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/examples/qdyn-server.toml
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/qdyn-server/examples COMPONENT server)
endif()

set(CPACK_PACKAGE_NAME qdyn)
set(CPACK_PACKAGE_VENDOR "qdyn")
set(CPACK_PACKAGE_CONTACT "qdyn developers <qdyn@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL cli server)
if(QDYN_BUILD_GUI)
  list(APPEND CPACK_COMPONENTS_ALL tray)
endif()
set(CPACK_STRIP_FILES ON)

# Debian
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_CLI_PACKAGE_NAME qdyn)
set(CPACK_DEBIAN_SERVER_PACKAGE_NAME qdyn-server)
set(CPACK_DEBIAN_TRAY_PACKAGE_NAME qdyn-tray)
# libcurl is loaded with dlopen on the first HTTPS request (core/src/net/curl_api.cpp), and the
# qdyn binary loads OpenSSL the same way (core/src/crypto/openssl_on_demand.cpp): dpkg-shlibdeps
# sees neither.
set(CPACK_DEBIAN_CLI_PACKAGE_DEPENDS "libcurl4 (>= 7.74), libssl3 (>= 3.0.0)")
set(CPACK_DEBIAN_TRAY_PACKAGE_DEPENDS "libcurl4 (>= 7.74), qdyn (= ${PROJECT_VERSION})")
set(CPACK_DEBIAN_CLI_PACKAGE_CONTROL_EXTRA "${PROJECT_SOURCE_DIR}/packaging/linux/postinst;${PROJECT_SOURCE_DIR}/packaging/linux/postrm")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA "${PROJECT_SOURCE_DIR}/packaging/linux/postinst;${PROJECT_SOURCE_DIR}/packaging/linux/postrm;${PROJECT_SOURCE_DIR}/packaging/linux/deb-server/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# RPM
set(CPACK_RPM_COMPONENT_INSTALL ON)
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_CLI_PACKAGE_NAME qdyn)
set(CPACK_RPM_SERVER_PACKAGE_NAME qdyn-server)
set(CPACK_RPM_TRAY_PACKAGE_NAME qdyn-tray)
set(CPACK_RPM_CLI_PACKAGE_REQUIRES "libcurl, openssl-libs")
set(CPACK_RPM_TRAY_PACKAGE_REQUIRES "libcurl, qdyn = ${PROJECT_VERSION}")
# Directories the system's filesystem package owns are not claimed.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION /usr/lib/systemd /usr/lib/systemd/system /usr/share/man
    /usr/share/man/man1 /usr/share/man/man8 /usr/share/doc /usr/share/bash-completion
    /usr/share/bash-completion/completions /usr/share/zsh /usr/share/zsh/vendor-completions /usr/share/fish
    /usr/share/fish/vendor_completions.d /usr/share/applications /usr/share/metainfo /usr/share/icons
    /usr/share/icons/hicolor /usr/share/icons/hicolor/scalable /usr/share/icons/hicolor/scalable/apps)
# RPM: the same script, told to configure, as %pre: the qdyn user must exist before rpm gives it
# the configuration (%attr below).
file(READ ${PROJECT_SOURCE_DIR}/packaging/linux/postinst QDYN_POSTINST)
string(REPLACE "set -e\n" "set -e\nset -- configure\n" QDYN_POSTINST "${QDYN_POSTINST}")
file(WRITE ${PROJECT_BINARY_DIR}/packaging/postinst.rpm "${QDYN_POSTINST}")
set(CPACK_RPM_CLI_PRE_INSTALL_SCRIPT_FILE "${PROJECT_BINARY_DIR}/packaging/postinst.rpm")
set(CPACK_RPM_SERVER_PRE_INSTALL_SCRIPT_FILE "${PROJECT_BINARY_DIR}/packaging/postinst.rpm")
set(CPACK_RPM_SERVER_USER_FILELIST "%config(noreplace) %attr(600, qdyn, qdyn) /etc/qdyn/qdyn-server.toml")

if(WIN32)
  include(QdynPackagingWindows)
elseif(APPLE)
  include(QdynPackagingMacos)
endif()

include(CPack)
