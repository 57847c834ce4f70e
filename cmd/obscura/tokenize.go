package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/obscura-ai/obscura/tokenize"
	"github.com/obscura-ai/obscura/weights"
)

// cmdTokenize prints, for each stdin line, one JSON object
// {"ids":[...],"offsets":[[start,end],...]}: the token ids with [CLS] and
// [SEP], and byte offsets into that line (without its "\n" or "\r\n");
// special tokens get [0,0]. No truncation.
func cmdTokenize(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tokenize", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "model directory with tokenizer.json, or vocab.txt + tokenizer_config.json; default ./models if it exists, else ../shared/models/obscura-minilm-conll")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("tokenize: unexpected arguments: %w", errUsage)
	}
	dir, err := weights.Resolve(*model)
	if err != nil {
		return fmt.Errorf("tokenize: %w", err)
	}
	tk, err := tokenize.Load(dir)
	if err != nil {
		return err
	}
	r := bufio.NewReaderSize(stdin, 64<<10)
	w := bufio.NewWriterSize(stdout, 64<<10)
	defer w.Flush()
	var buf []byte
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, err := r.ReadString('\n')
		if line == "" && err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("tokenize: read stdin: %w", err)
		}
		line = strings.TrimSuffix(line, "\n")
		line = strings.TrimSuffix(line, "\r")
		buf = appendEncodingJSON(buf[:0], tk.Encode(line))
		if _, err := w.Write(buf); err != nil {
			return fmt.Errorf("tokenize: write: %w", err)
		}
	}
}

// appendEncodingJSON writes {"ids":[...],"offsets":[[s,e],...]} and a newline.
func appendEncodingJSON(b []byte, enc tokenize.Encoding) []byte {
	b = append(b, `{"ids":[`...)
	for i, id := range enc.IDs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(id), 10)
	}
	b = append(b, `],"offsets":[`...)
	for i, o := range enc.Offsets {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(o[0]), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(o[1]), 10)
		b = append(b, ']')
	}
	return append(b, "]}\n"...)
}
