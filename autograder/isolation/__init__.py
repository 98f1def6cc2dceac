"""Running student code in sandboxed worker processes (the grader's side: ``client``; the
worker's side: ``zygote`` and ``worker``; shared: ``protocol`` and ``sandbox``)."""
