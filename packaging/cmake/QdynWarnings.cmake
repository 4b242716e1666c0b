# One place for the project's warning policy; every qdyn target calls qdyn_set_warnings().
function(qdyn_set_warnings target)
  if(MSVC)
    # The Windows build (vcpkg, .github/workflows/ci.yml): MSVC's nearest set. /utf-8 because the
    # sources are UTF-8; the C library's "unsafe" warnings (getenv, localtime) are not ours.
    target_compile_options(${target} PRIVATE /W4 /permissive- /utf-8)
    target_compile_definitions(${target} PRIVATE _CRT_SECURE_NO_WARNINGS)
    if(QDYN_WERROR)
      target_compile_options(${target} PRIVATE /WX)
    endif()
    return()
  endif()
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wsign-conversion -Wnon-virtual-dtor -Wold-style-cast
                                           -Woverloaded-virtual -Wnull-dereference)
  if(QDYN_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
