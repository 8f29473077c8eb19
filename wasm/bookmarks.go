//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"syscall/js"

	"github.com/embproj/projector/session"
)

// TensorBoard bookmarks (session/bookmarks.go): the list #bookmarks, with
// #add-bookmark, #save-bookmarks and #bookmarks-input. A bookmarks file
// chosen or dropped on its own arrives as projectorBookmarks(name, text).

// bookmarkControl carries out a bookmark control, and reports whether name
// was one:
//
//	bookmark        an index: apply that bookmark
//	add-bookmark    add the view shown to the list
//	save-bookmarks  download the list as a TensorBoard bookmarks file
func (a *app) bookmarkControl(name, value string) bool {
	var err error
	switch name {
	case "bookmark":
		i, perr := strconv.Atoi(value)
		if perr != nil {
			err = fmt.Errorf("bookmark %q: want an index", value)
			break
		}
		var ch session.Changes
		ch, err = a.sess.ApplyBookmark(i)
		a.apply(ch)
	case "add-bookmark":
		err = a.sess.AddBookmark()
	case "save-bookmarks":
		var fname string
		var data []byte
		if fname, data, err = a.sess.SaveBookmarks(); err == nil {
			download(fname, "application/json", data)
		}
	default:
		return false
	}
	a.inspector.message(err)
	if err != nil {
		a.dom.notice(err.Error())
	}
	return true
}

// addBookmarks lists the bookmarks of a file given on its own.
func (a *app) addBookmarks(name, text string) {
	err := a.sess.AddBookmarks([]byte(text), name)
	a.inspector.message(err)
	if err != nil {
		a.dom.notice(a.sess.BookmarksStatus().Error)
	}
}

// bookmarksShown is what #bookmarks last showed.
type bookmarksShown struct {
	gen, applied int
}

// syncBookmarks fills #bookmarks (one button per bookmark, data-control
// "bookmark", data-value its index, aria-pressed on the one applied) when
// the list or the bookmark applied changed.
func (a *app) syncBookmarks() {
	labels, gen := a.sess.Bookmarks()
	applied := -1
	if st := a.sess.BookmarksStatus(); st != nil {
		applied = st.Applied
	}
	if (bookmarksShown{gen, applied}) == a.bookmarks {
		return
	}
	a.bookmarks = bookmarksShown{gen, applied}
	doc := a.dom.doc
	list := doc.Call("getElementById", "bookmarks")
	if list.IsNull() {
		return
	}
	list.Set("textContent", "")
	for i, l := range labels {
		b := doc.Call("createElement", "button")
		b.Set("type", "button")
		b.Set("textContent", l)
		b.Set("title", "Show this bookmark")
		b.Get("dataset").Set("control", "bookmark")
		b.Get("dataset").Set("value", strconv.Itoa(i))
		b.Call("setAttribute", "aria-pressed", strconv.FormatBool(i == applied))
		li := doc.Call("createElement", "li")
		li.Call("appendChild", b)
		list.Call("appendChild", li)
	}
	doc.Call("getElementById", "save-bookmarks").Set("disabled", len(labels) == 0)
}

// listenBookmarks installs projectorBookmarks(name, text) for app.js.
func listenBookmarks(in *inbox) {
	f := js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) == 2 && args[0].Type() == js.TypeString && args[1].Type() == js.TypeString {
			in.push(command{bookmarksName: args[0].String(), bookmarks: args[1].String(), hasBookmarks: true})
		}
		return nil
	})
	js.Global().Set("projectorBookmarks", f)
}
