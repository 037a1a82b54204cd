# SPDX-License-Identifier: GPL-2.0
# bench/compare/plot.gp: the comparison chart (report.py writes the data).
#   gnuplot -e "dat='compare-plot.dat'; png='compare.png'; sub='...'" plot.gp
# (a) security set-up latency (median bar, whisker to p90, log scale), and
#     set-up + the handover call flow next to it;
# (b) latency added per request/response and per handover call flow
#     (median, whisker to p90);
# (c) octets added per request/response exchange; (d) datagrams per
# second of one-way flood and per CPU-second.
set terminal pngcairo size 1200,900 font "DejaVu Sans,11"
set output png
set multiplot layout 2,2 title "mihsec vs DTLS 1.2 vs IPsec/IKEv2 (same MIH exchange, same VM run)\n".sub
set style fill solid 0.6 border -1
set boxwidth 0.6
set xrange [-0.6:2.6]
set grid ytics
unset key
mx(a, b) = (a > b ? a : b)
set title "(a) from t0 to the first protected MIH response,\nand to the end of the handover call flow"
set ylabel "ms (log scale); bar median, whisker p90"
set logscale y
stats dat using (mx($4, $11 == $11 ? $11 : 0)) nooutput
set yrange [0.1:(STATS_max > 0 ? STATS_max * 12 : 1000)]
set key top left horizontal
set boxwidth 0.3
plot dat using ($1 - 0.16):3:xtic(2) with boxes lc rgb "#4878a8" title "set-up", \
     '' using ($1 - 0.16):3:3:4 with yerrorbars lc rgb "black" pt 0 lw 1.5 notitle, \
     '' using ($1 - 0.16):(mx($3, $4) * 1.5):(sprintf("%.1f", $3)) with labels notitle, \
     '' using ($1 + 0.16):10 with boxes lc rgb "#98c0e0" title "set-up + call flow (4 exchanges)", \
     '' using ($1 + 0.16):10:10:11 with yerrorbars lc rgb "black" pt 0 lw 1.5 notitle, \
     '' using ($1 + 0.16):(mx($10, $11) * 1.5):(sprintf("%.1f", $10)) with labels notitle
unset key
set boxwidth 0.6
unset logscale y
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
set title "(b) latency added per request/response exchange\nand per handover call flow (4 exchanges)"
set ylabel "us (protected - clear, per pair); whisker p90"
set key top left horizontal
set boxwidth 0.3
set offsets 0, 0, graph 0.2, 0
plot dat using ($1 - 0.16):5:xtic(2) with boxes lc rgb "#a86048" title "per exchange", \
     '' using ($1 - 0.16):(mx($5, 0)):(mx($5, 0)):6 with yerrorbars lc rgb "black" pt 0 lw 1.5 notitle, \
     '' using ($1 - 0.19):(mx($5, $6) * 1.04 + 1):(sprintf("%.0f", $5)) with labels notitle, \
     '' using ($1 + 0.16):14 with boxes lc rgb "#e0a890" title "per call flow", \
     '' using ($1 + 0.16):(mx($14, 0)):(mx($14, 0)):15 with yerrorbars lc rgb "black" pt 0 lw 1.5 notitle, \
     '' using ($1 + 0.19):(mx($14, $15) * 1.04 + 1):(sprintf("%.0f", $14)) with labels notitle
unset key
set boxwidth 0.6
set offsets 0, 0, graph 0.12, 0
set title "(c) octets added per request/response (IP, both datagrams)"
set ylabel "octets"
plot dat using 1:7:xtic(2) with boxes lc rgb "#58a858", \
     '' using 1:($7 * 1.06 + 1):(sprintf("%.0f", $7)) with labels
set title "(d) datagrams/s, one-way flood, one sender"
set ylabel "datagrams/s"
set key top left horizontal
set offsets 0, 0, graph 0.25, 0
set boxwidth 0.3
plot dat using ($1 - 0.16):8:xtic(2) with boxes lc rgb "#8868a8" title "received per s", \
     '' using ($1 + 0.16):9 with boxes lc rgb "#c8a848" title "per CPU-s (all CPUs)"
unset multiplot
