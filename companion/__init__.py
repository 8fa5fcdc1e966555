"""The machinery around the chapter's program: none of it is the chapter's subject.

    cli.py        terminal manners: argument errors, pipes, Ctrl-C, progress, 80 columns
    flags.py      the picture and check flags: declared, sized, and done around the run
    pictures.py   the terminal pictures: regions, hidden units, shapes, loss curve, hidden space
    watch.py      --watch, the animation
    by_hand.py    --by-hand, one step of the chapter's listing with every number
    activations.py  --activation's choices besides the chapter's tanh
    gradcheck.py  --gradcheck, the gradient check (the tests use it too)
    plot.py       --plot, the matplotlib figure

cli.py and flags.py never import the chapter's program, which imports them; every other module
here imports the chapter's functions, and is loaded only when a flag asks for it.
"""
