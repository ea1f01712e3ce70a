package io.ferry.bench.compare;

/** The measured ways of moving a container, as the table's columns. */
enum Column {
    R1("R1"), P("P"), F1("F1"), F2_DIRECT("F2 direct"), F2_REGISTRY("F2 registry"), F2_POST_COPY("F2 post-copy");

    final String title;

    Column(String title) {
        this.title = title;
    }
}
