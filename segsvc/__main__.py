import sys

from segsvc.cli import main

sys.exit(main())
