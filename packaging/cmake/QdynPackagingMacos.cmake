# macOS packages, included by QdynPackaging.cmake before include(CPack): one DMG (cpack -G
# DragNDrop) holding qdyn-tray.app, a menu-bar app (LSUIElement, packaging/macos/Info.plist.in)
# with the qdyn command inside it (Contents/MacOS/qdyn, cli/CMakeLists.txt), beside a link to
# /Applications to drag it onto. macdeployqt copies Qt and every other non-system library
# (Homebrew's curl, OpenSSL) into the bundle at install time, so it runs without Homebrew.
set(CPACK_GENERATOR DragNDrop)
set(CPACK_PACKAGING_INSTALL_PREFIX "/")
# One image with everything, not one per component.
set(CPACK_MONOLITHIC_INSTALL ON)
set(CPACK_PACKAGE_FILE_NAME "qdyn-${PROJECT_VERSION}-macos")
set(CPACK_DMG_VOLUME_NAME "qdyn ${PROJECT_VERSION}")
set(CPACK_DMG_FORMAT UDZO)
# Stripping after macdeployqt would break the bundle's signature.
set(CPACK_STRIP_FILES OFF)

if(QDYN_BUILD_GUI)
  find_program(QDYN_MACDEPLOYQT macdeployqt HINTS "${Qt6_DIR}/../../../bin" "${QT6_INSTALL_PREFIX}/bin")
  if(NOT QDYN_MACDEPLOYQT)
    message(FATAL_ERROR "macdeployqt not found next to Qt (${Qt6_DIR}); set QDYN_MACDEPLOYQT")
  endif()
  # Signed ad hoc again afterwards: macdeployqt rewrites the load paths, which voids the linker's
  # signature, and Apple silicon runs no unsigned code.
  install(CODE "
    set(qdyn_app \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/qdyn-tray.app\")
    execute_process(COMMAND \"${QDYN_MACDEPLOYQT}\" \"\${qdyn_app}\" -always-overwrite
                            \"-executable=\${qdyn_app}/Contents/MacOS/qdyn\"
                    RESULT_VARIABLE qdyn_result)
    if(NOT qdyn_result EQUAL 0)
      message(FATAL_ERROR \"macdeployqt failed (\${qdyn_result})\")
    endif()
    execute_process(COMMAND codesign --force --deep --sign - \"\${qdyn_app}\" RESULT_VARIABLE qdyn_result)
    if(NOT qdyn_result EQUAL 0)
      message(FATAL_ERROR \"codesign failed (\${qdyn_result})\")
    endif()" COMPONENT tray)
endif()
