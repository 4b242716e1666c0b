# One place for the project's warning policy; every qdyn target calls qdyn_set_warnings().
function(qdyn_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wsign-conversion -Wnon-virtual-dtor -Wold-style-cast
                                           -Woverloaded-virtual -Wnull-dereference)
  if(QDYN_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
