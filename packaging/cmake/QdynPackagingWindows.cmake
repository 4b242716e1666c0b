# Windows packages, included by QdynPackaging.cmake before include(CPack): an NSIS installer
# (cpack -G NSIS) with the CLI, the tray app and the server as components, a Start-menu shortcut
# for qdyn-tray, qdyn's folder on the PATH, the older version removed first on an upgrade; the
# same as an MSI with cpack -G WIX. Qt's DLLs and plugins are put beside qdyn-tray.exe by
# windeployqt at install time; the other libraries' DLLs (vcpkg's curl, OpenSSL, SQLite) by
# vcpkg's X_VCPKG_APPLOCAL_DEPS_INSTALL, which the CI job turns on.
set(CPACK_GENERATOR NSIS)
# The NSIS commands below hold backslashes and quotes: written to CPackConfig.cmake as they are.
set(CPACK_VERBATIM_VARIABLES ON)
set(CPACK_PACKAGE_INSTALL_DIRECTORY qdyn)
set(CPACK_PACKAGE_FILE_NAME "qdyn-${PROJECT_VERSION}-win64")
# No LICENSE file yet: the installer's first page says what it installs instead of showing
# CMake's placeholder licence text.
configure_file(${PROJECT_SOURCE_DIR}/packaging/windows/installer-notes.txt
               ${PROJECT_BINARY_DIR}/packaging/windows/installer-notes.txt @ONLY)
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_BINARY_DIR}/packaging/windows/installer-notes.txt)
# Start menu: bin/qdyn-tray.exe as "qdyn" (the executable, then its shortcut's name).
set(CPACK_PACKAGE_EXECUTABLES qdyn-tray "qdyn")
set(CPACK_STRIP_FILES OFF)

set(CPACK_COMPONENT_CLI_DISPLAY_NAME "qdyn (command line and agent)")
set(CPACK_COMPONENT_CLI_DESCRIPTION "qdyn.exe: updates, the agent (qdyn run), and the Windows service (qdyn service install).")
set(CPACK_COMPONENT_CLI_REQUIRED ON)
set(CPACK_COMPONENT_TRAY_DISPLAY_NAME "Tray app")
set(CPACK_COMPONENT_TRAY_DESCRIPTION "qdyn-tray.exe: the agent in the notification area, with a Start-menu shortcut.")
set(CPACK_COMPONENT_SERVER_DISPLAY_NAME "Server")
set(CPACK_COMPONENT_SERVER_DESCRIPTION "qdyn-server.exe: a self-hostable DDNS server (authoritative DNS and every update protocol).")
set(CPACK_COMPONENT_SERVER_DISABLED ON)

# NSIS
set(CPACK_NSIS_PACKAGE_NAME "qdyn ${PROJECT_VERSION}")
set(CPACK_NSIS_DISPLAY_NAME "qdyn ${PROJECT_VERSION}")
set(CPACK_NSIS_MODIFY_PATH ON)
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\qdyn-tray.exe")
# The service's executable is locked while it runs: stopped before files are replaced or
# removed. An upgrade runs the old uninstaller silently, which only stops the service (its
# registration points at the same path and is started again below); a user's uninstall removes
# it. `net stop` waits until the service has stopped; both fail harmlessly without a service.
set(CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS [=[
  ExecWait '"$SYSDIR\net.exe" stop qdyn'
  IfSilent +2
  ExecWait '"$INSTDIR\bin\qdyn.exe" service uninstall'
]=])
set(CPACK_NSIS_EXTRA_INSTALL_COMMANDS [=[
  ExecWait '"$SYSDIR\sc.exe" start qdyn'
]=])

# WiX (cpack -G WIX): the upgrade code must never change, or an upgrade installs beside the old.
set(CPACK_WIX_UPGRADE_GUID "8E5B6F3A-2C1D-4B7E-9A60-5D3C2F1E8B47")
set(CPACK_WIX_PROGRAM_MENU_FOLDER qdyn)

# The MSVC runtime beside the programs (the installer brings everything it needs).
set(CMAKE_INSTALL_SYSTEM_RUNTIME_DESTINATION bin)
set(CMAKE_INSTALL_SYSTEM_RUNTIME_COMPONENT cli)
include(InstallRequiredSystemLibraries)

# windeployqt next to the Qt that was found: Qt's bin/ (Qt6_DIR is <prefix>/lib/cmake/Qt6), or
# vcpkg's tools/Qt6/bin (Qt6_DIR is <triplet>/share/Qt6).
if(QDYN_BUILD_GUI)
  find_program(QDYN_WINDEPLOYQT windeployqt
               HINTS "${Qt6_DIR}/../../../bin" "${Qt6_DIR}/../../tools/Qt6/bin" "${QT6_INSTALL_PREFIX}/bin")
  if(NOT QDYN_WINDEPLOYQT)
    message(FATAL_ERROR "windeployqt not found next to Qt (${Qt6_DIR}); set QDYN_WINDEPLOYQT")
  endif()
  install(CODE "
    set(qdyn_bin \"\${CMAKE_INSTALL_PREFIX}/bin\")
    execute_process(COMMAND \"${QDYN_WINDEPLOYQT}\" $<IF:$<CONFIG:Debug>,--debug,--release> --no-translations
                            --no-compiler-runtime --dir \"\${qdyn_bin}\" \"\${qdyn_bin}/qdyn-tray.exe\"
                    RESULT_VARIABLE qdyn_result)
    if(NOT qdyn_result EQUAL 0)
      message(FATAL_ERROR \"windeployqt failed (\${qdyn_result})\")
    endif()" COMPONENT tray)
endif()
