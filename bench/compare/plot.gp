# SPDX-License-Identifier: GPL-2.0
# bench/compare/plot.gp: the comparison chart (report.py writes the data).
#   gnuplot -e "dat='compare-plot.dat'; png='compare.png'; sub='...'" plot.gp
# (a) security set-up latency (median bar, whisker to p90, log scale);
# (b) latency added per request/response (median, whisker to p90);
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
set title "(a) set-up latency: t0 to first protected MIH response"
set ylabel "ms (log scale); bar median, whisker p90"
set logscale y
stats dat using 4 nooutput
set yrange [0.1:(STATS_max > 0 ? STATS_max * 8 : 1000)]
plot dat using 1:3:xtic(2) with boxes lc rgb "#4878a8", \
     '' using 1:3:3:4 with yerrorbars lc rgb "black" pt 0 lw 1.5, \
     '' using 1:(mx($3, $4) * 1.5):(sprintf("%.1f", $3)) with labels
unset logscale y
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
set title "(b) latency added per request/response exchange"
set ylabel "us (protected - clear, per pair)"
plot dat using 1:5:xtic(2) with boxes lc rgb "#a86048", \
     '' using 1:5:5:6 with yerrorbars lc rgb "black" pt 0 lw 1.5, \
     '' using 1:(mx($5, $6) * 1.06 + 1):(sprintf("%.0f", $5)) with labels
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
