from kblint.cli import main

main()
